"""Site generators' markdown extensions made plain: admonitions, Vue blocks, twoslash."""

from __future__ import annotations

from docshelf.parsing.dialects import plain_markdown
from docshelf.parsing.markdown import parse_page


def test_pymdownx_blocks_become_a_label_and_their_text():
    text = "/// tip\n\nUse it.\n\n///\n\n/// note | Technical Details\n\nDeep.\n\n///\n"
    assert (
        plain_markdown(text) == "**Tip:**\n\nUse it.\n\n\n**Note: Technical Details**\n\nDeep.\n\n"
    )


def test_tabs_show_their_title_and_nested_blocks_close():
    text = "//// tab | Python 3.10+\n\n```py\nx = 1\n```\n\n////\n"
    assert plain_markdown(text) == "**Python 3.10+**\n\n```py\nx = 1\n```\n\n"


def test_mkdocs_admonitions_lose_their_indent():
    text = '!!! warning "Careful"\n    Do not.\n\n    ```py\n    x = 1\n    ```\n\nAfter.\n'
    assert plain_markdown(text) == "**Warning: Careful**\nDo not.\n\n```py\nx = 1\n```\n\nAfter.\n"


def test_vitepress_and_docusaurus_containers_keep_their_text():
    text = "::: tip NOTE\nPrefix events.\n:::\n\n::: code-group\n```sh\nnpm i\n```\n:::\n"
    assert plain_markdown(text) == "**Tip: NOTE**\nPrefix events.\n\n```sh\nnpm i\n```\n"
    assert plain_markdown(":::note\nHi\n:::\n") == "**Note:**\nHi\n"


def test_vue_script_and_style_blocks_go_but_not_inside_code():
    text = (
        "<script setup>\nimport X from './x.vue'\n</script>\n\n# Page\n\n"
        "```html\n<script setup>\nconst a = 1\n</script>\n```\n<style>\n.a {}\n</style>\n"
    )
    assert plain_markdown(text) == (
        "\n# Page\n\n```html\n<script setup>\nconst a = 1\n</script>\n```\n"
    )


def test_twoslash_blocks_show_what_the_site_shows():
    text = (
        "```ts twoslash\nimport 'vite/client'\n// ---cut---\n// @noErrors\n"
        "import.meta.hot.on('x', () => {})\n```\n\n```ts\n// ---cut---\nkept\n```\n"
    )
    assert plain_markdown(text) == (
        "```ts twoslash\nimport.meta.hot.on('x', () => {})\n```\n\n```ts\n// ---cut---\nkept\n```\n"
    )


def test_markers_inside_code_fences_stay():
    text = "```md\n/// tip\n!!! note\n::: tip\n```\n"
    assert plain_markdown(text) == text


def test_a_page_is_parsed_after_its_dialect_is_made_plain():
    page = parse_page("x", "# Title\n\n/// tip | Fast\n\nRun `uv`.\n\n///\n")
    assert "///" not in page.content and "**Tip: Fast**" in page.content
