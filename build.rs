// The templates and the stored older versions of them are embedded with include_dir; rebuild when
// any of them changes.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=templates-history");
}
