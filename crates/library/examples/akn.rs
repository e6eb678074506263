fn main() {
    let path = std::env::args().nth(1).expect("file");
    let d = chamber_library::parse_file(std::path::Path::new(&path), None).expect("parse");
    print!("{}", chamber_library::to_akn(&d));
}
