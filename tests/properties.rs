//! Property tests: whatever text arrives, `parse` and `lower` answer with a
//! model or diagnostics, never a panic, and every diagnostic renders.

use proptest::prelude::*;
use strata::diagnostic::{Colour, render_all};

/// Runs the whole front end the way the CLI does and renders what it says.
fn compile_and_render(bytes: &[u8]) {
    let source = match strata::syntax::decode(bytes) {
        Ok(source) => source,
        Err(error) => {
            let lossy = String::from_utf8_lossy(bytes);
            let text = render_all(&[error], "fuzz.strata", &lossy, Colour::Never);
            assert!(text.starts_with("error: "), "{text}");
            return;
        }
    };
    match strata::compile(source) {
        Ok(model) => {
            let json = strata::model::to_json(&model);
            assert!(json.starts_with('{'));
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            let text = render_all(&diagnostics, "fuzz.strata", source, Colour::Never);
            assert!(text.starts_with("error: "), "{text}");
        }
    }
}

/// Tokens of the language, and some near misses, to build plausible soups.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title".to_owned()),
        Just("direction".to_owned()),
        Just("down".to_owned()),
        Just("right".to_owned()),
        Just("row".to_owned()),
        Just("layer".to_owned()),
        Just("group".to_owned()),
        "[a-e]{1,2}".prop_map(|id| id),
        "\"[a-z 漢😀\\\\\"\t]{0,4}\"".prop_map(|text| text),
        Just("\"unterminated".to_owned()),
        Just("->".to_owned()),
        Just("<-".to_owned()),
        Just("<->".to_owned()),
        Just("--".to_owned()),
        Just("-".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("=".to_owned()),
        Just("shape=cylinder".to_owned()),
        Just("style=dashed".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("# comment\n".to_owned()),
        Just("// comment\n".to_owned()),
        Just("\t".to_owned()),
        Just("\u{0}".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        compile_and_render(text.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        compile_and_render(&bytes);
    }

    #[test]
    fn token_soups_never_panic(tokens in proptest::collection::vec(token(), 0..40), glue in prop_oneof![Just(" "), Just(""), Just("\n")]) {
        compile_and_render(tokens.join(glue).as_bytes());
    }
}
