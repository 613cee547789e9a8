from docshelf.parsing.markdown import clean_heading, page_summary, parse_page, slugify


def test_sections_follow_headings_with_their_heading_path():
    page = parse_page(
        "p", "# Title\n\nIntro.\n\n## A\n\nText a.\n\n### A1\n\nDeep.\n\n## B\n\nText b.\n"
    )
    assert [s.heading_path for s in page.sections] == [
        ("Title",),
        ("Title", "A"),
        ("Title", "A", "A1"),
        ("Title", "B"),
    ]
    assert page.title == "Title"
    assert page.sections[2].text == "### A1\n\nDeep."


def test_code_fences_are_never_split_and_hide_headings():
    text = "# T\n\n```md\n# not a heading\n## nor this\n```\n\n~~~\n## nope\n~~~\n\n## Real\n"
    page = parse_page("p", text)
    assert [s.heading for s in page.sections] == ["T", "Real"]
    assert "# not a heading\n## nor this" in page.sections[0].text


def test_longer_fence_closes_only_on_matching_marker():
    text = "# T\n\n````\n```\n## inside\n```\n````\n\n## After\n"
    page = parse_page("p", text)
    assert [s.heading for s in page.sections] == ["T", "After"]


def test_unclosed_fence_keeps_the_rest_of_the_page_in_one_section():
    page = parse_page("p", "# T\n\n```\n## hidden\n")
    assert [s.heading for s in page.sections] == ["T"]


def test_front_matter_is_metadata_and_title_source():
    page = parse_page("p", "---\ntitle: From front matter\ntags: [a, b]\n---\n# H1\n\nBody\n")
    assert page.title == "From front matter"
    assert page.metadata == {"title": "From front matter", "tags": ["a", "b"]}
    assert not page.content.startswith("---")


def test_broken_front_matter_is_kept_raw_not_dropped():
    page = parse_page("p", "---\ntitle: [unclosed\n---\n# H\n")
    assert page.metadata["_raw"] == "title: [unclosed"
    assert page.title == "H"


def test_preamble_before_first_heading_is_its_own_section():
    page = parse_page("guide/intro", "Some intro.\n\n## Step\n\nDo it.\n")
    assert page.sections[0].level == 0 and page.sections[0].text == "Some intro."
    assert page.title == "Step"


def test_title_falls_back_to_file_name():
    assert parse_page("guides/getting-started", "just text").title == "Getting started"


def test_setext_headings_are_recognised():
    page = parse_page("p", "Title\n=====\n\nText\n\nPart\n----\n\nMore\n")
    assert [(s.heading, s.level) for s in page.sections] == [("Title", 1), ("Part", 2)]


def test_h4_stays_inside_its_section():
    page = parse_page("p", "# T\n\n## A\n\n#### detail\n\nx\n")
    assert [s.heading for s in page.sections] == ["T", "A"]
    assert "#### detail" in page.sections[1].text


def test_duplicate_headings_get_unique_anchors():
    page = parse_page("p", "# T\n\n## Example\n\n## Example\n")
    assert [s.anchor for s in page.sections] == ["t", "example", "example-1"]


def test_crlf_and_bom_are_normalised():
    page = parse_page("p", "\ufeff# T\r\n\r\n## A\r\nx\r\n")
    assert [s.heading for s in page.sections] == ["T", "A"]


def test_heading_markup_is_cleaned():
    assert clean_heading("The `Agent` [class](x) ![logo](y.svg)") == "The Agent class"
    assert clean_heading("snake_case_name *emph*") == "snake_case_name emph"
    assert slugify("Agent.generate() options") == "agentgenerate-options"


def test_escaped_markdown_characters_are_literal_in_headings():
    assert clean_heading(r"Workflow\.createRun()") == "Workflow.createRun()"
    assert clean_heading(r"\*not emphasis\*") == "*not emphasis*"


def test_page_summary_is_the_lead_prose_not_code():
    page = parse_page(
        "p", "# Title\n\n```ts\ncode()\n```\n\nThe lead paragraph.\n\nMore prose.\n\n## Next\n\nNo."
    )
    assert page_summary(page) == "The lead paragraph. More prose."


def test_page_summary_prefers_front_matter_description():
    page = parse_page("p", "---\ndescription: Short summary\n---\n# T\n\nBody text.\n")
    assert page_summary(page).startswith("Short summary")


def test_attribute_lists_leave_titles_and_headings_and_give_their_anchor():
    page = parse_page(
        "tutorial/first-steps",
        "# First Steps { #first-steps }\n\nHi.\n\n## Check it {: .note #check-it }\n\nOk.\n\n"
        "## Plain {.wide}\n\n#### `switch({ modeId })`\n",
    )
    assert page.title == "First Steps"
    assert [(s.heading, s.anchor) for s in page.sections] == [
        ("First Steps", "first-steps"),
        ("Check it", "check-it"),
        ("Plain", "plain"),
    ]
    assert "{" not in page.content.split("####")[0]
    assert "#### `switch({ modeId })`" in page.content  # not an attribute list
