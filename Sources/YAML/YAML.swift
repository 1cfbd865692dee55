/// Entry points of the YAML layer: `YAML.parse`, `YAML.parseDocument`, `YAML.emit`.
public enum YAML {}
