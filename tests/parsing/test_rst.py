"""Tests for reStructuredText (and Sphinx) pages parsed into the markdown pages/sections model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docshelf.parsing import rst
from docshelf.parsing.formats import format_for, parse_document, strip_doc_suffix
from docshelf.parsing.rst import defuse_tables, parse_rst_page, rst_to_markdown


def page(text: str, path: str = "guide/page"):
    return parse_rst_page(path, textwrap.dedent(text).lstrip("\n"))


GUIDE = """
    ==============
     Widget Guide
    ==============

    The intro.

    Installation
    ============

    Install it.

    From source
    -----------

    Build it.

    Usage
    =====

    Use it.
    """


def test_the_page_title_is_the_document_title() -> None:
    assert page(GUIDE).title == "Widget Guide"


def test_sections_follow_the_rst_nesting_with_their_heading_paths() -> None:
    paths = [s.heading_path for s in page(GUIDE).sections]
    assert paths == [
        ("Widget Guide",),
        ("Widget Guide", "Installation"),
        ("Widget Guide", "Installation", "From source"),
        ("Widget Guide", "Usage"),
    ]
    assert page(GUIDE).sections[2].text.startswith("### From source\n\nBuild it.")


def test_a_page_without_a_document_title_takes_its_first_heading() -> None:
    text = """
        First
        =====

        a

        Second
        ======

        b
        """
    parsed = page(text)
    assert parsed.title == "First"
    assert [s.heading for s in parsed.sections] == ["First", "Second"]


def test_code_blocks_stay_whole_with_their_language_and_sphinx_options_are_ignored() -> None:
    text = """
        Title
        =====

        .. code-block:: python
           :linenos:
           :emphasize-lines: 2
           :caption: example.py

           import widget
           # not a heading

           widget.run()

        After.
        """
    parsed = page(text)
    assert len(parsed.sections) == 1
    assert "*example.py*\n\n```python\nimport widget\n# not a heading\n\nwidget.run()\n```" in (
        parsed.content
    )


def test_literal_blocks_take_the_highlight_language_and_doctests_are_pycon() -> None:
    text = """
        .. highlight:: console

        Run it::

            $ widget run
            ### output

        >>> 1 + 1
        2
        """
    content = page(text).content
    assert "Run it:\n\n```console\n$ widget run\n### output\n```" in content
    assert "```pycon\n>>> 1 + 1\n2\n```" in content


def test_sphinx_roles_render_as_the_text_a_reader_sees() -> None:
    text = """
        See :class:`Widget`, :func:`~widget.util.helper`, :ref:`the guide <guide-label>`,
        :doc:`/install`, :meth:`!Widget.run`, :term:`gadget`, :py:attr:`widget.size`
        and :kbd:`Ctrl+C`.
        """
    content = page(text).content
    assert content.strip() == (
        "See `Widget`, `helper`, the guide,\ninstall, `Widget.run`, gadget, `widget.size`\n"
        "and `Ctrl+C`."
    )


def test_unknown_directives_keep_their_content_and_leave_no_docutils_errors() -> None:
    text = """
        Title
        =====

        .. tab-set::

           .. tab-item:: Linux

              Use apt.

        .. only:: html

           Only on the web.

        .. some-extension:: label text
           :strange-option: yes

           Body of the extension.

        .. py:function:: send(message, *, retries=3)

           Send a message.

           :param message: the text
        """
    content = page(text).content
    for expected in (
        "**Linux:** Use apt.",
        "Only on the web.",
        "**label text:** Body of the extension.",
        "`send(message, *, retries=3)`",
        "- **param message:** the text",
    ):
        assert expected in content
    for noise in ("Unknown directive", "System Message", "ERROR/", "strange-option", "html"):
        assert noise not in content


def test_toctree_is_dropped_from_the_text_and_its_entries_kept_as_page_paths() -> None:
    text = """
        Index
        =====

        .. toctree::
           :maxdepth: 2
           :caption: Contents

           install
           Usage guide <usage/basics>
           /reference/api
           self
           https://example.com/elsewhere
        """
    parsed = page(text, path="guide/index")
    assert parsed.metadata["toctree"] == ["guide/install", "guide/usage/basics", "reference/api"]
    assert "Contents" not in parsed.content and "install" not in parsed.content


def test_autodoc_directives_become_one_line_api_markers_qualified_by_the_module() -> None:
    text = """
        .. currentmodule:: widget

        .. autoclass:: Widget
           :members:

        .. autofunction:: widget.util.helper

        .. autosummary::
           :toctree: generated

           run
           stop
        """
    content = page(text).content
    assert "API: `widget.Widget`" in content
    assert "API: `widget.util.helper`" in content
    assert "API: `widget.run, widget.stop`" in content
    assert "members" not in content


def test_version_directives_and_admonitions_show_their_labels() -> None:
    text = """
        .. versionadded:: 2.0
           The ``run`` function.

        .. versionchanged:: 2.1 It got faster.

        .. deprecated:: 3.0

        .. note:: Remember this.

        .. seealso:: :func:`widget.other`

        .. admonition:: Custom title

           Custom body.
        """
    content = page(text).content
    for expected in (
        "**Added in version 2.0:** The `run` function.",
        "**Changed in version 2.1:** It got faster.",
        "**Deprecated since version 3.0:**",
        "**Note:** Remember this.",
        "**See also:** `widget.other`",
        "**Custom title:** Custom body.",
    ):
        assert expected in content


def test_includes_and_literalincludes_name_the_file_without_reading_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    text = f"""
        .. include:: {secret}

        .. literalinclude:: {secret}
           :language: text

        .. raw:: html
           :file: {secret}

        .. csv-table:: Data
           :file: {secret}
        """
    content = page(text).content
    assert "TOP-SECRET-CONTENT" not in content
    assert f"*Included from* `{secret}`" in content
    assert f"*Code from* `{secret}`" in content


def test_docutils_prints_nothing_even_for_broken_markup(capfd: pytest.CaptureFixture) -> None:
    page("""
        Title
        =====

        `unclosed interpreted text

        .. image::

        * list
        without blank line

        |undefined-substitution| and [#missing]_ and broken_ reference.
        """)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_docutils_config_files_are_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "docutils.conf"
    config.write_text("not an ini file\n")  # docutils fails on it whenever it reads it
    monkeypatch.setenv("DOCUTILSCONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    parsed = page(".. unknown-thing::\n\n   body\n")
    assert "rst_fallback" not in parsed.metadata
    assert "body" in parsed.content


def test_tables_become_markdown_tables() -> None:
    text = """
        +-------+-------+
        | Name  | Value |
        +=======+=======+
        | a     | 1     |
        +-------+-------+

        =====  =====
        Col 1  Col 2
        =====  =====
        x      y|z
        =====  =====

        .. list-table:: Options
           :header-rows: 1

           * - Option
             - Meaning
           * - ``--fast``
             - Go fast.
        """
    content = page(text).content
    assert "| Name | Value |\n| --- | --- |\n| a | 1 |" in content
    assert "| Col 1 | Col 2 |\n| --- | --- |\n| x | y\\|z |" in content
    assert "**Options**\n\n| Option | Meaning |\n| --- | --- |\n| `--fast` | Go fast. |" in content


def test_lists_definitions_and_fields_render_as_markdown() -> None:
    text = """
        - one
        - two

        #. first
        #. second

        term
           Its definition.

        :Author: Someone

        -v, --verbose  Be loud.
        """
    content = page(text).content
    assert "- one\n- two" in content
    assert "1. first\n2. second" in content
    assert "**term**\n  Its definition." in content
    assert "- **Author:** Someone" in content
    assert "- `-v, --verbose`: Be loud." in content


def test_paragraph_lines_that_markdown_would_read_as_headings_or_fences_are_escaped() -> None:
    parsed = page("Title\n=====\n\nText with a line break\n# that starts with a hash\n")
    assert len(parsed.sections) == 1
    assert "\\# that starts with a hash" in parsed.content


def test_an_oversized_table_is_kept_verbatim_as_a_literal_block() -> None:
    border = "+" + "+".join(["---"] * (rst.MAX_TABLE_COLUMNS + 1)) + "+"
    row = "|" + "|".join([" a "] * (rst.MAX_TABLE_COLUMNS + 1)) + "|"
    table = "\n".join([border, row, border])
    assert defuse_tables(f"Intro\n\n{table}\n\nAfter\n").startswith(
        f"Intro\n\n\n::\n\n    {border}"
    )
    content = page(f"Intro\n\n{table}\n\nAfter\n").content
    assert f"```\n{border}\n{row}\n{border}\n```" in content


def test_a_simple_table_that_never_closes_is_left_to_docutils() -> None:
    text = "\n==  ==\nx   y\n==  ==\nz\n" * 3
    assert defuse_tables(text) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("word " * (rst.MAX_RST_CHARS // 5 + 10), "over 512 KiB"),
        ("a" * (rst.MAX_LINE_CHARS + 1), "a line is over"),
        ("".join(" " * i + "x\n\n" for i in range(400)), "nests too deeply"),
    ],
    ids=["too large", "line too long", "too deep"],
)
def test_input_docutils_cannot_handle_falls_back_to_the_raw_text(text: str, reason: str) -> None:
    parsed = parse_rst_page("big", text)
    assert reason in parsed.metadata["rst_fallback"]
    assert parsed.content.strip()


def test_a_parse_past_the_deadline_falls_back_to_the_raw_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rst, "PARSE_SECONDS", 0.0)
    parsed = parse_rst_page("slow", "Title\n=====\n\nBody.\n")
    assert parsed.metadata == {"rst_fallback": "docutils took over 0 s"}
    assert parsed.title == "Title"  # the underlined title still reads as a heading


def test_rst_to_markdown_reports_title_and_toctree() -> None:
    document = rst_to_markdown("Top\n===\n\n.. toctree::\n\n   a\n")
    assert (document.title, document.toctree) == ("Top", ("a",))
    assert document.markdown == "# Top\n"


def test_format_is_chosen_by_suffix_and_txt_only_counts_in_sphinx_trees() -> None:
    assert format_for("guide.md") == "md"
    assert format_for("guide.MDX") == "mdx"
    assert format_for("guide.rst") == "rst"
    assert format_for("notes.txt") is None
    assert format_for("notes.txt", sphinx=True) == "rst"
    assert format_for("image.png", sphinx=True) is None
    assert strip_doc_suffix("a/b.rst") == "a/b" and strip_doc_suffix("a/b.md") == "a/b"


def test_parse_document_dispatches_to_the_parser_of_the_format() -> None:
    text = "Title\n=====\n\n.. note:: Hi.\n"
    assert "**Note:** Hi." in parse_document("p", text, "rst").content
    assert ".. note:: Hi." in parse_document("p", text).content  # markdown leaves it as is


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =-*`:|+#.\n _<>\\[]")), max_size=300))
def test_any_text_parses_into_a_page_without_raising(text: str) -> None:
    parsed = parse_rst_page("p", text)
    assert parsed.path == "p" and isinstance(parsed.content, str)
