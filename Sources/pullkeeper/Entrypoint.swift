import PullKeeperCommands

@main
enum Entrypoint {
    static func main() async {
        await PullKeeper.runMain()
    }
}
