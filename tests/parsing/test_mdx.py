"""MDX pages cleaned to the markdown a reader sees; parsers picked by format."""

from __future__ import annotations

import pytest

from docshelf.errors import UsageError
from docshelf.parsing.formats import parse_document
from docshelf.parsing.mdx import mdx_to_markdown

PAGE = """---
title: Quick Start
---
import Tabs from '@theme/Tabs';
import {
  Sandpack,
  Diagram,
} from '../components';
export const meta = {
  draft: false,
};

<Intro>

Welcome to the docs! Don't panic.

</Intro>

## Creating components {/*components*/}

<Note title="Heads up" icon={<Icon name="x" />}>
Text with `<Code>` inline, and a < b.
</Note>

```jsx
import App from './App';
<Foo bar="baz" />
```

<Tabs>
  <TabItem value="js" label="JavaScript">

  ```js
  const a = 1;
  ```

  </TabItem>
</Tabs>

Hello{' '}world <>fragment</>.
<Diagram name="tree" alt="A tree of components" width={600} />
"""


def test_imports_exports_and_component_tags_are_removed_but_text_and_code_kept():
    text = mdx_to_markdown(PAGE)
    assert text.startswith("---\ntitle: Quick Start\n---\n")
    assert "import Tabs" not in text and "export const" not in text and "draft" not in text
    assert "<Intro>" not in text and "</Note>" not in text and "<TabItem" not in text
    assert "Welcome to the docs! Don't panic." in text
    assert "## Creating components {#components}\n" in text  # the id, as an attribute list
    assert "Heads up" in text and "JavaScript" in text and "A tree of components" in text
    assert "Text with `<Code>` inline, and a < b." in text
    assert "import App from './App';\n<Foo bar=\"baz\" />" in text
    assert "const a = 1;" in text
    assert "Hello world fragment." in text
    assert "icon" not in text and 'name="x"' not in text


def test_an_mdx_page_takes_its_title_from_front_matter_and_headings_lose_comment_anchors():
    page = parse_document("learn", PAGE, "mdx")
    assert page.title == "Quick Start"
    assert [s.heading for s in page.sections if s.heading] == ["Creating components"]
    assert [s.anchor for s in page.sections if s.heading] == ["components"]
    assert "{#components}" not in page.content


def test_markdown_is_parsed_as_before():
    page = parse_document("a", "# Title\n\n<Intro>kept in markdown</Intro>\n", "md")
    assert "<Intro>" in page.content


def test_rst_pages_get_their_section_titles_as_headings():
    page = parse_document(
        "guide", "=====\nGuide\n=====\n\nIntro.\n\nInstall\n-------\n\nRun it.\n", "rst"
    )
    assert page.title == "Guide"
    assert [s.heading for s in page.sections if s.heading] == ["Guide", "Install"]


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(UsageError, match="known formats: md, mdx, next-app, next-pages, rst"):
        parse_document("a", "x", "asciidoc")
