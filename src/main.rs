//! The `strata` command: reads files, runs the library, writes results and
//! diagnostics. The only place that does I/O or chooses an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use strata::diagnostic::{self, Colour, Diagnostic};
use strata::layout::{self, LayoutOptions};
use strata::model::{self, Model};
use strata::render::{self, Background, Charset, PngError, PngOptions, SvgOptions, Theme};
use strata::syntax;

/// Exit codes: 0 ok, 1 invalid input, 2 usage or I/O.
const EXIT_INVALID: u8 = 1;
const EXIT_USAGE: u8 = 2;
/// Strata could not draw the diagram correctly (the layout found no room,
/// or `render --verify` found the drawing wrong): Strata's fault, not the input's.
const EXIT_BUG: u8 = 3;

#[derive(Parser)]
#[command(
    name = "strata",
    version,
    about = "Architecture diagrams as code: layered box-drawing text, SVG and PNG from one layout.",
    after_help = "Exit codes: 0 success, 1 invalid input, 2 usage or I/O error, 3 Strata could not draw the diagram correctly (no room found, or `render --verify` found it wrong): a limitation of Strata.\n\nExamples:\n  strata check docs/architecture.strata\n  strata render docs/architecture.strata -o docs/architecture.txt"
)]
struct Cli {
    /// When to colour diagnostics: auto colours on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColourChoice::Auto, global = true)]
    color: ColourChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check source files for errors without drawing them.
    #[command(
        after_help = "Example:\n  strata check examples/*.strata\n\nPrints nothing and exits 0 when every file is valid."
    )]
    Check {
        /// Source files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Draw a diagram.
    #[command(
        after_help = "Examples:\n  strata render examples/high-level-architecture.strata\n  strata render arch.strata -o arch.svg\n  cat arch.strata | strata render - -f json"
    )]
    Render {
        /// The source file; `-` reads standard input.
        file: PathBuf,
        /// Where to write the result (standard output when absent or `-`).
        /// The file is replaced only once the result is complete.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Output format; inferred from the extension of `--output` when absent
        /// (.txt unicode, .svg, .png, .json), else unicode.
        #[arg(short, long, value_enum)]
        format: Option<Format>,
        /// Read the text drawing back and check it against the model before
        /// writing the result (for SVG and PNG, the Unicode drawing of the
        /// same layout); a mismatch is a bug in Strata and exits with code 3.
        #[arg(long)]
        verify: bool,
        #[command(flatten)]
        image: ImageArgs,
    },
}

/// How to draw an SVG or PNG.
#[derive(Args)]
struct ImageArgs {
    /// Colours of SVG and PNG; auto follows the viewer's light or dark
    /// scheme in SVG, and is light in PNG.
    #[arg(long, value_enum, default_value_t = ThemeChoice::Auto)]
    theme: ThemeChoice,
    /// What lies behind an SVG or PNG drawing.
    #[arg(long, value_enum, default_value_t = BackgroundChoice::Theme)]
    background: BackgroundChoice,
    /// PNG pixels per SVG pixel, from 0.25 to 16 (a cell is 9 × 18 SVG pixels).
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true)]
    scale: f32,
    /// Leave out the SVG's `<?xml ...?>` line, to inline it in HTML.
    #[arg(long)]
    no_xml_declaration: bool,
    /// Put before every SVG element id, to keep apart the ids of several
    /// drawings inlined in one HTML page.
    #[arg(long, default_value = "", value_parser = parse_id_prefix)]
    id_prefix: String,
}

impl ImageArgs {
    fn theme(&self) -> Theme {
        match self.theme {
            ThemeChoice::Light => Theme::Light,
            ThemeChoice::Dark => Theme::Dark,
            ThemeChoice::Auto => Theme::Auto,
        }
    }

    fn background(&self) -> Background {
        match self.background {
            BackgroundChoice::Theme => Background::Theme,
            BackgroundChoice::Transparent => Background::Transparent,
        }
    }

    fn svg(&self) -> SvgOptions {
        SvgOptions {
            theme: self.theme(),
            background: self.background(),
            xml_declaration: !self.no_xml_declaration,
            id_prefix: self.id_prefix.clone(),
        }
    }

    fn png(&self) -> PngOptions {
        PngOptions {
            theme: self.theme(),
            background: self.background(),
            scale: self.scale,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ThemeChoice {
    Light,
    Dark,
    Auto,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackgroundChoice {
    /// The theme's background colour.
    Theme,
    Transparent,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColourChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Unicode box-drawing text.
    Unicode,
    /// Pure ASCII text.
    Ascii,
    Svg,
    Png,
    /// The checked model, in the schema of docs/JSON.md.
    Json,
}

/// A failure that ends the command with an exit code.
enum Failure {
    /// The input is invalid; the diagnostics were printed.
    Invalid,
    /// A usage or I/O problem, with its message.
    Usage(String),
    /// Failures already reported; exit with this code.
    Reported(u8),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = match cli.color {
        ColourChoice::Always => Colour::Always,
        ColourChoice::Never => Colour::Never,
        ColourChoice::Auto => {
            let no_colour = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
            if std::io::stderr().is_terminal() && !no_colour {
                Colour::Always
            } else {
                Colour::Never
            }
        }
    };
    let result = match cli.command {
        Command::Check { files } => check(&files, colour),
        Command::Render {
            file,
            output,
            format,
            verify,
            image,
        } => render(&file, output.as_deref(), format, verify, &image, colour),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(EXIT_INVALID),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Reported(code)) => ExitCode::from(code),
    }
}

/// Checks every file, reporting all of them; the worst failure decides the exit code.
fn check(files: &[PathBuf], colour: Colour) -> Result<(), Failure> {
    let mut exit_code = 0;
    for file in files {
        match load(file, colour) {
            Ok(_) => {}
            Err(Failure::Invalid) => exit_code = exit_code.max(EXIT_INVALID),
            Err(Failure::Usage(message)) => {
                eprintln!("error: {message}");
                exit_code = EXIT_USAGE;
            }
            Err(Failure::Reported(code)) => exit_code = exit_code.max(code),
        }
    }
    if exit_code == 0 {
        Ok(())
    } else {
        Err(Failure::Reported(exit_code))
    }
}

fn render(
    file: &Path,
    output: Option<&Path>,
    format: Option<Format>,
    verify: bool,
    image: &ImageArgs,
    colour: Colour,
) -> Result<(), Failure> {
    let output = output.filter(|path| *path != Path::new("-"));
    let format = match (format, output) {
        (Some(format), _) => format,
        (None, Some(path)) => format_of(path)?,
        (None, None) => Format::Unicode,
    };
    if let Some(path) = output {
        refuse_to_overwrite_source(file, path)?;
    }
    let model = load(file, colour)?;
    if format == Format::Json {
        return write_result(output, model::to_json(&model).as_bytes());
    }
    let layout = layout::layout(&model, &LayoutOptions::default()).map_err(|error| {
        eprintln!("error: {}: {error}", file.display());
        Failure::Reported(EXIT_BUG)
    })?;
    let bytes = match format {
        Format::Unicode | Format::Ascii => {
            let charset = if format == Format::Unicode {
                Charset::Unicode
            } else {
                Charset::Ascii
            };
            let drawing = render::text(&layout, charset);
            if verify {
                reads_back(&drawing, &model, charset)?;
            }
            drawing.into_bytes()
        }
        _ => {
            // SVG and PNG draw the same layout as the text, so its Unicode
            // drawing is what --verify reads back for them.
            if verify {
                let drawing = render::text(&layout, Charset::Unicode);
                reads_back(&drawing, &model, Charset::Unicode)?;
            }
            if format == Format::Svg {
                render::svg(&layout, &image.svg()).into_bytes()
            } else {
                render::png(&layout, &image.png()).map_err(|error| {
                    if let PngError::Internal(_) = error {
                        eprintln!("error: {}: {error}", file.display());
                        Failure::Reported(EXIT_BUG)
                    } else {
                        Failure::Usage(error.to_string())
                    }
                })?
            }
        }
    };
    write_result(output, &bytes)
}

/// Checks that the drawing reads back as the model, reporting what does not.
fn reads_back(drawing: &str, model: &Model, charset: Charset) -> Result<(), Failure> {
    strata::verify::verify(drawing, model, charset).map_err(|problems| {
        for problem in &problems {
            eprintln!("verify: {problem}");
        }
        eprintln!("error: the drawing does not read back as the diagram; this is a bug in Strata");
        Failure::Reported(EXIT_BUG)
    })
}

/// Writes the result to its file, or to standard output.
fn write_result(output: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    match output {
        Some(path) => write_atomically(path, bytes),
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|error| Failure::Usage(format!("cannot write to standard output: {error}"))),
    }
}

/// An id prefix must keep ids valid: letters, digits, `-` and `_`,
/// starting with a letter or `_`.
fn parse_id_prefix(prefix: &str) -> Result<String, String> {
    let valid = prefix.chars().enumerate().all(|(index, c)| {
        c.is_ascii_alphabetic() || c == '_' || (index > 0 && (c.is_ascii_digit() || c == '-'))
    });
    if valid {
        Ok(prefix.to_owned())
    } else {
        Err("an id prefix holds ASCII letters, digits, `-` and `_`, and starts with a letter or `_`".to_owned())
    }
}

/// Reads, decodes, parses and lowers one file, printing its diagnostics.
fn load(file: &Path, colour: Colour) -> Result<Model, Failure> {
    let (name, bytes) = read_source(file)?;
    let report = |diagnostics: &[Diagnostic], text: &str| {
        eprint!(
            "{}",
            diagnostic::render_all(diagnostics, &name, text, colour)
        );
        Failure::Invalid
    };
    let source = match syntax::decode(&bytes) {
        Ok(source) => source,
        Err(diagnostic) => return Err(report(&[diagnostic], &String::from_utf8_lossy(&bytes))),
    };
    strata::compile(source).map_err(|diagnostics| report(&diagnostics, source))
}

/// The display name and contents of a source file or of standard input.
fn read_source(file: &Path) -> Result<(String, Vec<u8>), Failure> {
    let limit = syntax::MAX_SOURCE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let (name, result) = if file == Path::new("-") {
        (
            "<stdin>".to_owned(),
            std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
        )
    } else {
        let name = file.display().to_string();
        let result =
            std::fs::File::open(file).and_then(|opened| opened.take(limit).read_to_end(&mut bytes));
        (name, result)
    };
    result.map_err(|error| Failure::Usage(format!("cannot read {name}: {error}")))?;
    Ok((name, bytes))
}

fn format_of(path: &Path) -> Result<Format, Failure> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "txt" | "text" => Ok(Format::Unicode),
        "svg" => Ok(Format::Svg),
        "png" => Ok(Format::Png),
        "json" => Ok(Format::Json),
        _ => Err(Failure::Usage(format!(
            "cannot tell the format from the name {}; pass -f unicode, ascii, svg, png or json",
            path.display()
        ))),
    }
}

/// Writing the result over its own source would lose what the user wrote.
fn refuse_to_overwrite_source(source: &Path, output: &Path) -> Result<(), Failure> {
    if source == Path::new("-") {
        return Ok(());
    }
    let same = match (source.canonicalize(), output.canonicalize()) {
        (Ok(source), Ok(output)) => source == output,
        _ => false,
    };
    if same {
        return Err(Failure::Usage(format!(
            "refusing to write the output over the source file {}",
            source.display()
        )));
    }
    Ok(())
}

/// Writes to a temporary file beside `path`, then renames it into place, so
/// the old file stays whole until the new one is complete.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let failure =
        |error: std::io::Error| Failure::Usage(format!("cannot write {}: {error}", path.display()));
    let file_name = path
        .file_name()
        .ok_or_else(|| Failure::Usage(format!("{} is not a file name", path.display())))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(file_name);
    temporary_name.push(format!(".strata-{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(failure(error));
    }
    Ok(())
}
