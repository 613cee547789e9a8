"""HTML -> markdown: main content only, headings, tables and code intact, chrome dropped."""

from __future__ import annotations

import subprocess
import sys

from docshelf.parsing.html import MAX_CONVERT_CHARS, html_to_page, parse_html_page

CHROME = ("HEADER", "SIDEBAR", "FOOTER", "SCRIPT", "STYLE", "BREADCRUMB", "TOC", "EDIT", "COPY")


def page(main: str, *, title: str = "Guide | Acme", extra: str = "") -> str:
    return f"""<!doctype html><html><head><title>{title}</title>
<script>var x = "SCRIPT";</script><style>.a {{ content: "STYLE" }}</style></head><body>
<header><a href="/">HEADER</a></header>
<aside><nav><a href="/docs/other">SIDEBAR</a></nav></aside>
{main}
<footer>FOOTER <a href="https://elsewhere.example/">elsewhere</a></footer>{extra}</body></html>"""


def assert_no_chrome(markdown: str) -> None:
    for word in CHROME:
        assert word not in markdown, word


def test_main_content_keeps_headings_tables_and_code_with_its_language():
    html = page(
        """<main><h1 id="t">Config <a class="header-anchor" href="#t">#</a></h1>
        <nav class="breadcrumbs">BREADCRUMB</nav>
        <p>Set the <code>root</code> option.</p>
        <h2>Options</h2>
        <table><thead><tr><th>Name</th><th>Default</th></tr></thead>
        <tbody><tr><td>root</td><td>cwd</td></tr></tbody></table>
        <div class="language-ts"><button class="copy">COPY</button><pre><code>
<span class="line">export default {</span>
<span class="line">  root: "src",</span>
<span class="line">}</span></code></pre></div>
        <div class="toc">TOC</div><a class="edit-this-page" href="/edit">EDIT</a></main>"""
    )
    result = html_to_page(html, "https://acme.dev/docs/config")
    md = result.markdown
    assert md.startswith("# Config\n")
    assert "## Options" in md
    assert "| Name | Default |" in md and "| root | cwd |" in md
    assert '```ts\nexport default {\n  root: "src",\n}\n```' in md
    assert result.title == "Config"
    assert_no_chrome(md)


def test_links_of_the_whole_page_are_returned_absolute_without_fragments():
    html = page('<main><h1>T</h1><p><a href="b#part">b</a> <a href="mailto:x@y">m</a></p></main>')
    links = html_to_page(html, "https://acme.dev/docs/a").links
    assert "https://acme.dev/docs/b" in links
    assert "https://acme.dev/docs/other" in links  # from the nav: a crawler needs those
    assert "https://elsewhere.example/" in links  # the crawler, not the parser, filters
    assert not any(link.startswith("mailto:") for link in links)


def test_article_inside_main_is_preferred_and_its_header_heading_kept():
    html = page(
        """<main><div class="col"><article><header><h1>Install</h1><span>EDIT</span></header>
        <p>Run the installer.</p><footer>FOOTER</footer></article></div>
        <div class="tableOfContents_bqdL">TOC</div></main>"""
    )
    md = html_to_page(html).markdown
    assert md.startswith("# Install\n\nRun the installer.")
    assert_no_chrome(md)


def test_role_main_is_used_when_there_is_no_main_element():
    html = page('<div class="document"><div role="main"><h1>API</h1><p>Calls.</p></div></div>')
    assert html_to_page(html).markdown.startswith("# API\n\nCalls.")


def test_a_page_without_landmarks_is_cut_to_where_its_prose_is():
    prose = "Opens the file and returns a handle, which must be closed afterwards. " * 4
    html = f"""<html><head><title>Tiny API</title></head><body>
    <div id="top"><ul><li><a href="/">Home</a></li><li><a href="/api">API</a></li></ul>
    HEADER</div><div id="menu"><a href="/a">SIDEBAR</a><a href="/b">more</a></div>
    <div id="text"><h1>Tiny API</h1><p>{prose}</p><h2>close()</h2><p>{prose}</p></div>
    <div id="bottom"><a href="/privacy">FOOTER</a></div></body></html>"""
    md = html_to_page(html).markdown
    assert md.startswith("# Tiny API\n") and "## close()" in md
    assert_no_chrome(md)


def test_code_language_comes_from_the_block_its_code_or_a_wrapper():
    html = page(
        """<main><h1>T</h1>
        <pre class="language-python"><code>a = 1</code></pre>
        <div class="highlight-bash notranslate"><div class="highlight"><pre>ls</pre></div></div>
        <pre><code class="lang-rust">fn main() {}</code></pre>
        <pre data-language="go"><code>package main</code></pre>
        <pre><code class="language-text">plain</code></pre></main>"""
    )
    md = html_to_page(html).markdown
    assert "```python\na = 1\n```" in md
    assert "```bash\nls\n```" in md
    assert "```rust\nfn main() {}\n```" in md
    assert "```go\npackage main\n```" in md
    assert "```\nplain\n```" in md


def test_code_lines_in_divs_or_br_keep_their_line_breaks():
    html = page(
        """<main><h1>T</h1>
        <pre><code><div class="ec-line">one()</div><div class="ec-line">two()</div></code></pre>
        <pre><code>three()<br>four()</code></pre></main>"""
    )
    md = html_to_page(html).markdown
    assert "one()\ntwo()" in md
    assert "three()\nfour()" in md


def test_sphinx_api_entries_become_headings():
    html = page(
        """<main><h1>os</h1><dl class="py function"><dt class="sig sig-object py" id="os.getcwd">
        <span class="sig-name">getcwd</span>()<a class="headerlink" href="#os.getcwd">¶</a></dt>
        <dd><p>Return the current directory.</p></dd></dl></main>"""
    )
    md = html_to_page(html).markdown
    assert "## getcwd()" in md
    assert "¶" not in md


def test_hidden_elements_and_inline_images_are_dropped():
    html = page(
        """<main><h1>T</h1><p hidden>HIDDEN1</p><p aria-hidden="true">HIDDEN2</p>
        <p style="display: none">HIDDEN3</p><img src="data:image/png;base64,AAAA" alt="x">
        <img src="/logo.png" alt="Architecture diagram"><p>kept</p></main>"""
    )
    md = html_to_page(html).markdown
    assert "HIDDEN" not in md and "data:" not in md
    assert "Architecture diagram" in md and "kept" in md


def test_title_falls_back_to_the_title_tag_without_the_site_name():
    result = html_to_page(page("<main><p>Only text.</p></main>", title="Routing | Acme Docs"))
    assert result.title == "Routing"
    assert result.markdown.startswith("# Routing\n\nOnly text.")


def test_robots_meta_noindex_and_nofollow_are_reported():
    html = page("<main><h1>T</h1></main>").replace(
        "<head>", '<head><meta name="robots" content="noindex, nofollow">'
    )
    result = html_to_page(html)
    assert not result.index and not result.follow
    assert html_to_page(page("<main><h1>T</h1></main>")).follow


def test_deeply_nested_pages_convert_and_hostile_nesting_does_not_fail():
    def nested(depth: int) -> str:
        inner = "<div>" * depth + "bottom text" + "</div>" * depth
        return f"<html><body><main><h1>Deep</h1>{inner}</main></body></html>"

    assert "bottom text" in html_to_page(nested(200)).markdown
    # lxml stops descending past its depth limit (about 255): the rest is lost, not a crash.
    assert html_to_page(nested(5000)).markdown.startswith("# Deep\n")


def test_a_page_too_big_to_convert_is_kept_as_text():
    paragraph = "<p>" + "word " * 2000 + "</p>"
    html = page("<main><h1>Big</h1>" + paragraph * (MAX_CONVERT_CHARS // len(paragraph) + 2))
    result = html_to_page(html + "</main>")
    assert result.markdown.startswith("# Big\n")
    assert "word word" in result.markdown


def test_declared_encodings_and_empty_documents_do_not_break_parsing():
    xhtml = '<?xml version="1.0" encoding="ISO-8859-1"?><html><body><main><h1>Ünïcode</h1>'
    assert html_to_page(xhtml + "</main></body></html>").title == "Ünïcode"
    assert html_to_page("").markdown == "# Untitled\n"


def test_an_html_file_parses_into_a_page_with_sections():
    parsed = parse_html_page("guide/intro", page("<main><h1>Intro</h1><h2>Setup</h2></main>"))
    assert parsed.title == "Intro"
    assert [s.heading for s in parsed.sections] == ["Intro", "Setup"]


def test_importing_the_package_does_not_import_the_html_libraries():
    code = (
        "import sys, docshelf, docshelf.sources, docshelf.cli; "
        "print(any(m.split('.')[0] in ('lxml', 'markdownify', 'bs4') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
