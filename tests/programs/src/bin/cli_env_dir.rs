//! Prints what `wasock run --env` and `--dir` give a guest: the variable
//! `GREETING` and the contents of `data/hello.txt` in a preopened directory.

fn main() {
    println!("GREETING={}", std::env::var("GREETING").unwrap_or_default());
    match std::fs::read_to_string("data/hello.txt") {
        Ok(text) => println!("file: {}", text.trim()),
        Err(error) => println!("file error: {error}"),
    }
    let args: Vec<String> = std::env::args().collect();
    println!("args: {}", args.join(" "));
}
