//! Any bytes as `.nixscaffold.yaml`: an error or answers, never a panic; valid answers always render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nixscaffold::answers::AnswersFile;
use nixscaffold::generate::plan_new;
use nixscaffold::render::Renderer;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(Some(file)) = serde_saphyr::from_str::<Option<AnswersFile>>(text) else {
        return;
    };
    if let Ok(answers) = file.resolve("repo") {
        let renderer = Renderer::new(None).expect("built-in templates");
        plan_new(&answers, &renderer).expect("valid answers always render");
    }
});
