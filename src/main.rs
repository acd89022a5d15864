fn main() {
    std::process::exit(nixscaffold::run(std::env::args_os()));
}
