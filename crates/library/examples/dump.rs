fn main() {
    let path = std::env::args().nth(1).expect("file");
    match chamber_library::parse_file(std::path::Path::new(&path), None) {
        Ok(d) => println!("{}", serde_json::to_string_pretty(&d).unwrap()),
        Err(e) => eprintln!("{e}"),
    }
}
