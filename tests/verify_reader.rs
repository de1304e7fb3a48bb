//! The reader of text diagrams (`strata::verify`): hand-drawn diagrams that
//! follow `docs/TEXT-FORMAT.md` pass, and each mistake a renderer could make
//! is reported with its place.

use proptest::prelude::*;
use strata::verify::{Charset, Problem, verify};

/// Reads `text` against the model of `source`, drawn in Unicode.
fn read(source: &str, text: &str) -> Result<(), Vec<Problem>> {
    read_in(Charset::Unicode, source, text)
}

fn read_in(charset: Charset, source: &str, text: &str) -> Result<(), Vec<Problem>> {
    let model = strata::compile(source).expect("the test's source compiles");
    verify(text, &model, charset)
}

/// A diagram written as an indented raw string: drops the first line break.
fn diagram(text: &str) -> String {
    text.strip_prefix('\n').unwrap_or(text).to_owned()
}

#[track_caller]
fn assert_reads(source: &str, text: &str) {
    assert_reads_in(Charset::Unicode, source, text);
}

#[track_caller]
fn assert_reads_in(charset: Charset, source: &str, text: &str) {
    if let Err(problems) = read_in(charset, source, text) {
        panic!("expected no problems, got:\n{}", list(&problems));
    }
}

/// Asserts that reading finds a problem containing each of `needles`.
#[track_caller]
fn assert_problem(source: &str, text: &str, needles: &[&str]) {
    assert_problem_in(Charset::Unicode, source, text, needles);
}

#[track_caller]
fn assert_problem_in(charset: Charset, source: &str, text: &str, needles: &[&str]) {
    let problems = match read_in(charset, source, text) {
        Ok(()) => panic!("expected a problem mentioning {needles:?}, got none"),
        Err(problems) => problems,
    };
    let found = problems
        .iter()
        .any(|problem| needles.iter().all(|needle| problem.0.contains(needle)));
    assert!(
        found,
        "expected a problem mentioning {needles:?}, got:\n{}",
        list(&problems)
    );
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  {problem}\n"))
        .collect()
}

const TWO_BOXES: &str = "a \"A\"\nb \"B\"\na -> b : \"HTTPS\"";

fn two_boxes() -> String {
    diagram(
        r"
┌─────┐
│  A  │
└──┬──┘
   │ HTTPS
┌──▼──┐
│  B  │
└─────┘
",
    )
}

const FAN_IN: &str = "a \"A\"\nb \"B\"\nc \"C\"\na -> c\nb -> c";

fn fan_in() -> String {
    diagram(
        r"
┌─────┐  ┌─────┐
│  A  │  │  B  │
└──┬──┘  └──┬──┘
   └────┬───┘
     ┌──▼──┐
     │  C  │
     └─────┘
",
    )
}

const CROSSING: &str = "a \"A\"\nb \"B\"\nc \"C\"\nd \"D\"\na -> d\nb -> c";

/// `a -> d` and `b -> c` cross: the horizontal passes under the vertical.
fn crossing() -> String {
    diagram(
        r"
┌─────┐  ┌─────┐
│  A  │  │  B  │
└──┬──┘  └──┬──┘
   │  ┌─────┘
   └──│────────┐
      │        │
   ┌──▼──┐  ┌──▼──┐
   │  C  │  │  D  │
   └─────┘  └─────┘
",
    )
}

// ---------------------------------------------------------------------------
// Diagrams that read right

#[test]
fn two_boxes_with_a_label_read_right() {
    assert_reads(TWO_BOXES, &two_boxes());
}

#[test]
fn a_diagram_without_a_final_line_break_reads_right() {
    assert_reads(TWO_BOXES, two_boxes().trim_end());
}

#[test]
fn a_fan_in_bus_reads_as_one_edge_per_source() {
    assert_reads(FAN_IN, &fan_in());
}

#[test]
fn a_fan_out_bus_reads_as_one_edge_per_target() {
    let text = diagram(
        r"
     ┌─────┐
     │  A  │
     └──┬──┘
   ┌────┴───┐
┌──▼──┐  ┌──▼──┐
│  B  │  │  C  │
└─────┘  └─────┘
",
    );
    assert_reads("a \"A\"\nb \"B\"\nc \"C\"\na -> b\na -> c", &text);
}

#[test]
fn a_crossing_drawn_as_a_passing_line_reads_as_two_edges() {
    assert_reads(CROSSING, &crossing());
}

#[test]
fn horizontal_edges_read_with_arrowheads_beside_the_sides() {
    let text = diagram(
        r"
┌─────┐ SQL ┌─────┐     ┌─────┐
│  A  ├────▶│  B  │◀───▶│  C  │
└─────┘     └─────┘     └─────┘
",
    );
    assert_reads(
        "direction right\na \"A\"\nb \"B\"\nc \"C\"\na -> b : \"SQL\"\nb <-> c",
        &text,
    );
}

#[test]
fn an_undirected_edge_has_no_arrowheads() {
    let text = diagram(
        r"
┌─────┐     ┌─────┐
│  A  ├─────┤  B  │
└─────┘     └─────┘
",
    );
    assert_reads("a \"A\"\nb \"B\"\na -- b", &text);
    assert_problem("a \"A\"\nb \"B\"\na -> b", &text, &["`a -> b`", "drawn as"]);
}

#[test]
fn labels_bullets_and_a_title_read_right() {
    let source = r#"
title "Deployment"
a "Region" "(Primary)" { - "2 API" - "1 Worker" }
b "Store" [shape=cylinder]
a -> b : "Replication"
"#;
    let text = diagram(
        r"
Deployment

┌────────────┐
│   Region   │
│ (Primary)  │
│ - 2 API    │
│ - 1 Worker │
└─────┬──────┘
      │ Replication
╒═════▼══════╕
│   Store    │
╘════════════╛
",
    );
    assert_reads(source, &text);
}

#[test]
fn a_line_into_a_child_crosses_its_container_border() {
    let source = r#"
user "User"
layer app "App" {
  api "API"
  db "DB"
}
user -> api : "HTTPS"
api -> db
"#;
    let text = diagram(
        r"
   ┌──────┐
   │ User │
   └──┬───┘
      │ HTTPS
┌─────┼───────────┐
│  App│           │
└─────┼───────────┘
",
    );
    // The line runs through the container's title: text touches it.
    assert_problem(source, &text, &["touches a line"]);
    let text = diagram(
        r"
      ┌──────┐
      │ User │
      └──┬───┘
         │ HTTPS
┌────────┼────────┐
│  App   │        │
│        │        │
│     ┌──▼──┐     │
│     │ API │     │
│     └──┬──┘     │
│        │        │
│     ┌──▼──┐     │
│     │ DB  │     │
│     └─────┘     │
└─────────────────┘
",
    );
    assert_reads(source, &text);
}

#[test]
fn an_edge_to_a_container_ends_at_its_border() {
    let source = r#"
web "Web"
layer app "App" { svc "Svc" }
web -> app
"#;
    let text = diagram(
        r"
   ┌─────┐
   │ Web │
   └──┬──┘
      │
┌─────▼─────┐
│  App      │
│  ┌─────┐  │
│  │ Svc │  │
│  └─────┘  │
└───────────┘
",
    );
    assert_reads(source, &text);
}

#[test]
fn wide_characters_fill_two_cells() {
    let source = "web \"ウェブ\"\ndb \"数据库\"\nweb -> db : \"读写\"";
    let text = diagram(
        r"
┌────────┐
│ ウェブ │
└───┬────┘
    │ 读写
┌───▼────┐
│ 数据库 │
└────────┘
",
    );
    assert_reads(source, &text);
    // Read as one cell each, the border would not close.
    let squeezed = text.replace("│ ウェブ │", "│ ウェブ    │");
    assert!(read(source, &squeezed).is_err());
}

#[test]
fn zero_width_characters_stay_with_their_character() {
    // A decomposed "é" takes one cell; "❤️" (with its emoji selector) two.
    let source = "a \"Cafe\u{301}\"\nb \"I \u{2764}\u{FE0F} Rust\"\na -> b";
    let text = diagram(
        "
┌────────┐
│  Cafe\u{301}  │
└───┬────┘
    │
┌───▼───────┐
│ I \u{2764}\u{FE0F} Rust │
└───────────┘
",
    );
    assert_reads(source, &text);
}

#[test]
fn look_alike_nodes_are_told_apart_by_their_edges() {
    let source = r#"
a "A"
b "B"
w1 "Worker"
w2 "Worker"
a -> w1 : "one"
b -> w2 : "two"
"#;
    // Side by side but touching: a reader cannot tell the boxes apart.
    let text = diagram(
        r"
┌──────┐  ┌──────┐
│  A   │  │  B   │
└──┬───┘  └──┬───┘
   │ one     │ two
┌──▼─────┐┌──▼─────┐
│ Worker ││ Worker │
└────────┘└────────┘
",
    );
    assert_problem(source, &text, &["touches the box"]);
    let text = diagram(
        r"
┌──────┐    ┌──────┐
│  A   │    │  B   │
└──┬───┘    └──┬───┘
   │ one       │ two
┌──▼─────┐  ┌──▼─────┐
│ Worker │  │ Worker │
└────────┘  └────────┘
",
    );
    assert_reads(source, &text);
    // The first worker in source order is now the one drawn on the right.
    let swapped =
        "a \"A\"\nb \"B\"\nw1 \"Worker\"\nw2 \"Worker\"\nb -> w1 : \"two\"\na -> w2 : \"one\"";
    assert_reads(swapped, &text);
}

#[test]
fn ascii_diagrams_read_right() {
    let text = diagram(
        r"
+-----+
|  A  |
+--+--+
   | HTTPS
+--v--+
|  B  |
+-----+
",
    );
    assert_reads_in(Charset::Ascii, TWO_BOXES, &text);
    let fan_in = diagram(
        r"
+-----+  +-----+
| A-1 |  | C++ |
+--+--+  +--+--+
   +----+---+
     +--v--+
     |  C  |
     +-----+
",
    );
    assert_reads_in(
        Charset::Ascii,
        "a \"A-1\"\nb \"C++\"\nc \"C\"\na -> c\nb -> c",
        &fan_in,
    );
    let crossing = crossing()
        .replace(['┌', '┐', '└', '┘', '┬'], "+")
        .replace('─', "-")
        .replace('│', "|")
        .replace('▼', "v");
    assert_reads_in(Charset::Ascii, CROSSING, &crossing);
}

#[test]
fn an_ascii_line_straight_through_a_container_does_not_cut_it() {
    let source = "a \"A\"\ngroup l \"L\" { b \"B\" }\nc \"C\"\na -> b\na -> c";
    let text = diagram(
        r"
   +-----+
   |  A  |
   +--+--+
      |
+-----+------------+
|  L  |            |
|     |  +-----+   |
|     +->|  B  |   |
|     |  +-----+   |
+-----+------------+
      |
   +--v--+
   |  C  |
   +-----+
",
    );
    assert_reads_in(Charset::Ascii, source, &text);
}

#[test]
fn ascii_corners_of_two_lines_must_not_touch() {
    let source = "a \"A\"\nc \"C\"\nd \"D\"\na -> c : \"x\"\na -> d";
    // Every `+` joins every neighbour that can point back, another `+`
    // included, so two corners one above the other join the lines.
    let touching = diagram(
        r"
                 +-----+
+-----+  x   +-->|  C  |
|  A  +------+   +-----+
|     +------+
+-----+      |   +-----+
             +-->|  D  |
                 +-----+
",
    );
    assert_problem_in(
        Charset::Ascii,
        source,
        &touching,
        &["`a -> d` carries the label \"x\""],
    );
    let apart = diagram(
        r"
                 +-----+
+-----+  x   +-->|  C  |
|  A  +------+   +-----+
|     +-----+
+-----+     |    +-----+
            +--->|  D  |
                 +-----+
",
    );
    assert_reads_in(Charset::Ascii, source, &apart);
}

#[test]
fn an_ascii_branch_under_a_crossing_joins_a_corner() {
    // `b`'s branch comes down to the `+` right of `d`'s line and passes
    // under it to join the bus: that `+` has one line of its own, so it
    // must go on under the crossing, and the `+` beyond is a junction
    // although it also has two lines of its own.
    let source = "a \"A\"\nb \"B\"\nc \"C\"\nd \"D\"\ne \"E\"\na -> c\nb -> c\nd -> e";
    let text = diagram(
        r"
+-----+  +-----+     +-----+
|  A  |  |  D  |     |  B  |
+--+--+  +--+--+     +--+--+
   |        |           |
   |        |+----------+
   |        ||
   +-------+|+
           ||       +-----+
           |+------>|  E  |
           |        +-----+
        +--v--+
        |  C  |
        +-----+
",
    );
    assert_reads_in(Charset::Ascii, source, &text);
    // Two `+` with two lines of their own each stay two corners.
    let source = "a \"A\"\nb \"B\"\nc \"C\"\nd \"D\"\ne \"E\"\na -> c\nb -> e\nd -> e";
    let text = diagram(
        r"
+-----+  +-----+     +-----+
|  A  |  |  D  |     |  B  |
+--+--+  +--+--+     +--+--+
   |        |           |
   |        |+----------+
   |        ||      +-----+
   +-------+|+----->|  E  |
           ||       |     |
           |+------>|     |
           |        +-----+
        +--v--+
        |  C  |
        +-----+
",
    );
    assert_reads_in(Charset::Ascii, source, &text);
}

#[test]
fn styles_read_from_the_glyphs() {
    let dashed = two_boxes().replace("   │ HTTPS", "   ┆ HTTPS");
    assert_reads(
        "a \"A\"\nb \"B\"\na -> b : \"HTTPS\" [style=dashed]",
        &dashed,
    );
    assert_problem(TWO_BOXES, &dashed, &["drawn dashed", "is solid"]);
    let thick = diagram(
        r"
┌─────┐
│  A  │
└──┬──┘
   ┃
   ┗━━┓
      ┃
   ┌──▼──┐
   │  B  │
   └─────┘
",
    );
    assert_reads("a \"A\"\nb \"B\"\na -> b [style=thick]", &thick);
    let mixed = thick.replace("   ┗━━┓", "   ┗─━┓");
    assert_problem(
        "a \"A\"\nb \"B\"\na -> b [style=thick]",
        &mixed,
        &["a line keeps one style"],
    );
}

// ---------------------------------------------------------------------------
// Mistakes, each reported with its place

#[test]
fn a_missing_edge_is_reported() {
    let text = diagram(
        r"
┌─────┐
│  A  │
└─────┘

┌─────┐
│  B  │
└─────┘
",
    );
    assert_problem(
        TWO_BOXES,
        &text,
        &["the edge `a -> b : \"HTTPS\"` is not drawn"],
    );
}

#[test]
fn an_arrowhead_on_the_wrong_end_is_reported() {
    let text = diagram(
        r"
┌─────┐
│  A  │
└──▲──┘
   │ HTTPS
┌──┴──┐
│  B  │
└─────┘
",
    );
    assert_problem(
        TWO_BOXES,
        &text,
        &["`a -> b : \"HTTPS\"` is drawn as `b` -> `a`"],
    );
}

#[test]
fn a_line_through_a_box_is_reported() {
    let source = "a \"A\"\nb \"B\"\nc \"C\"\na -> c";
    let text = diagram(
        r"
┌─────┐
│  A  │
└──┬──┘
   │
┌──┼──┐
│ B│  │
└──┼──┘
   │
┌──▼──┐
│  C  │
└─────┘
",
    );
    assert_problem(
        source,
        &text,
        &[
            "row 5, column 4",
            "runs into the box \"B\"",
            "none of its ends is inside it",
        ],
    );
}

#[test]
fn overlapping_boxes_are_reported() {
    let text = diagram(
        r"
┌─────┐
│  A ┌┼────┐
└────┼┘ B  │
     └─────┘
",
    );
    assert_problem(
        "a \"A\"\nb \"B\"",
        &text,
        &["row 2, column 6", "overlaps the box at row 1, column 1"],
    );
}

#[test]
fn a_crossing_drawn_as_a_junction_joins_the_lines() {
    let text = crossing().replace("   └──│────────┐", "   └──┼────────┐");
    assert_problem(
        CROSSING,
        &text,
        &["reads as `a` -> `c`", "not an edge of the model"],
    );
    assert_problem(
        CROSSING,
        &text,
        &["reads as `b` -> `d`", "not an edge of the model"],
    );
}

#[test]
fn a_dangling_line_is_reported() {
    let text = two_boxes().replace("┌──▼──┐", "┌─────┐");
    assert_problem(
        TWO_BOXES,
        &text,
        &[
            "row 4, column 4",
            "a line ends without reaching a box",
            "a box border with no port",
        ],
    );
    let text = diagram(
        r"
┌─────┐
│  A  │
└──┬──┘
   │ HTTPS
   └──

┌─────┐
│  B  │
└─────┘
",
    );
    assert_problem(TWO_BOXES, &text, &["row 5, column 6", "empty space"]);
}

#[test]
fn a_line_into_a_corner_is_reported() {
    let text = diagram(
        r"
┌─────┐
│  A  │
└──┬──┘
   └─────┐
         ┌─────┐
         │  B  │
         └─────┘
",
    );
    assert_problem(TWO_BOXES, &text, &["row 4, column 10", "box corner"]);
}

#[test]
fn a_missing_label_is_reported() {
    let text = two_boxes().replace(" HTTPS", "");
    assert_problem(TWO_BOXES, &text, &["drawn without its label \"HTTPS\""]);
}

#[test]
fn a_label_on_the_wrong_network_is_reported() {
    let source = "a \"A\"\nb \"B\"\nc \"C\"\nd \"D\"\na -> b : \"X\"\nc -> d : \"Y\"";
    let text = diagram(
        r"
┌─────┐  ┌─────┐
│  A  │  │  C  │
└──┬──┘  └──┬──┘
   │ X      │ Y
┌──▼──┐  ┌──▼──┐
│  B  │  │  D  │
└─────┘  └─────┘
",
    );
    assert_reads(source, &text);
    // The first worker in source order is now the one drawn on the right.
    let swapped = text.replace("│ X      │ Y", "│ Y      │ X");
    assert_problem(
        source,
        &swapped,
        &["`a -> b : \"X\"` carries the label \"Y\""],
    );
    assert_problem(
        source,
        &swapped,
        &["`c -> d : \"Y\"` carries the label \"X\""],
    );
}

#[test]
fn a_label_beside_no_line_is_reported() {
    let text = two_boxes().replace("   │ HTTPS", "   │   HTTPS");
    assert_problem(TWO_BOXES, &text, &["row 4, column 8", "beside a line"]);
}

#[test]
fn a_node_drawn_twice_is_reported() {
    let text = diagram(
        r"
┌─────┐  ┌─────┐
│  A  │  │  A  │
└──┬──┘  └─────┘
   │ HTTPS
┌──▼──┐
│  B  │
└─────┘
",
    );
    assert_problem(
        TWO_BOXES,
        &text,
        &["row 1, column 10", "node `a` is drawn a second time"],
    );
}

#[test]
fn a_missing_node_is_reported() {
    let text = diagram(
        r"
┌─────┐
│  A  │
└─────┘
",
    );
    assert_problem(TWO_BOXES, &text, &["node `b` (\"B\") is not drawn"]);
}

#[test]
fn a_box_with_the_wrong_text_is_reported() {
    let text = two_boxes().replace("│  B  │", "│  X  │");
    assert_problem(
        TWO_BOXES,
        &text,
        &["reads \"X\"", "node `b` should read \"B\""],
    );
}

#[test]
fn a_node_outside_its_container_is_reported() {
    let source = "group g \"G\" { a \"A\" }\nb \"B\"";
    let text = diagram(
        r"
┌───────┐  ┌─────┐
│  G    │  │  B  │
│       │  └─────┘
└───────┘

┌─────┐
│  A  │
└─────┘
",
    );
    assert_problem(
        source,
        &text,
        &["node `a` is drawn here", "inside the box of its parent `g`"],
    );
}

#[test]
fn text_touching_a_border_is_reported() {
    let text = two_boxes().replace("│  A  │", "│    A│");
    assert_problem(
        TWO_BOXES,
        &text,
        &["row 2, column 6", "\"A\" touches a box border"],
    );
}

#[test]
fn trailing_spaces_and_tabs_are_reported() {
    let text = two_boxes().replace("   │ HTTPS", "   │ HTTPS  ");
    assert_problem(TWO_BOXES, &text, &["row 4, column 11", "trailing spaces"]);
    let text = two_boxes().replace("│  B  │", "│ \tB  │");
    assert_problem(TWO_BOXES, &text, &["row 6, column 3", "tab"]);
}

#[test]
fn the_title_is_checked() {
    let source = format!("title \"Flow\"\n{TWO_BOXES}");
    assert_reads(&source, &format!("Flow\n\n{}", two_boxes()));
    assert_problem(
        &source,
        &two_boxes(),
        &["row 1", "should be the title \"Flow\""],
    );
    assert_problem(
        &source,
        &format!("Flow\nx\n{}", two_boxes()),
        &["row 2", "should be empty"],
    );
}

#[test]
fn a_wrong_shape_is_reported() {
    let text = two_boxes()
        .replace("┌──▼──┐", "╭──▼──╮")
        .replace("└─────┘", "╰─────╯");
    assert_problem(TWO_BOXES, &text, &["node `b` is drawn as a rounded box"]);
    let source = "a \"A\"\nb \"B\" [shape=rounded]\na -> b : \"HTTPS\"";
    assert_reads(source, &text);
}

#[test]
fn problems_are_all_reported_at_once() {
    let text = two_boxes()
        .replace(" HTTPS", "")
        .replace("│  B  │", "│  B  │ ");
    let problems = read(TWO_BOXES, &text).expect_err("two mistakes");
    assert!(problems.len() >= 2, "{}", list(&problems));
}

// ---------------------------------------------------------------------------
// Any text at all: problems, never a panic

fn small_model() -> strata::model::Model {
    strata::compile(
        "a \"A\"\nb \"B\" { - \"x\" }\ng \"G\" { c \"C\" }\na -> b : \"L\"\nb -- c\na <-> c",
    )
    .expect("the small model compiles")
}

/// Characters that make up diagrams, and some that only look like them.
fn diagram_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(
            "┌┐└┘╭╮╰╯╒╕╘╛─═│├┤┬┴┼▼▲▶◀┄┆━┃┏┓┗┛┣┫┳┻+-|.:=#v^<> \n".chars().collect::<Vec<_>>()
        ),
        1 => prop::sample::select("ABCxy 漢😀\t\r\u{301}".chars().collect::<Vec<_>>()),
        1 => any::<char>(),
    ]
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in prop::collection::vec(diagram_char(), 0..400)) {
        let text: String = text.into_iter().collect();
        let model = small_model();
        let _ = verify(&text, &model, Charset::Unicode);
        let _ = verify(&text, &model, Charset::Ascii);
    }

    #[test]
    fn mutated_diagrams_never_panic(
        edits in prop::collection::vec((0usize..200, diagram_char()), 1..6),
    ) {
        let model = strata::compile(CROSSING).expect("compiles");
        let mut chars: Vec<char> = crossing().chars().collect();
        for (at, ch) in edits {
            let at = at % chars.len();
            chars[at] = ch;
        }
        let text: String = chars.into_iter().collect();
        let _ = verify(&text, &model, Charset::Unicode);
        let _ = verify(&text, &model, Charset::Ascii);
    }
}
