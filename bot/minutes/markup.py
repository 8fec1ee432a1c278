"""Minutes written for the web or in Markdown, or spaced out by OCR, brought back to plain lines.

Markdown and web records carry front matter, `#` headings, `>` quotes, **bold** labels, `<br>` at
the end of every line, `- ` bullets and `|---|` table rules; OCR and typesetting space characters
apart (「第 1 6 次」, 「甲、報 告 事 項」). None of that is content: it is removed here so that the rest
of the parser sees the layout it knows. Pipe tables stay tables (one row per line).
"""

from __future__ import annotations

import re

_HTML = re.compile(r"<(?:html|body|div|p|table|h[1-6]|section|article)\b", re.IGNORECASE)
_INVISIBLE = re.compile(r"<(script|style|head|button|nav|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_CELL_END = re.compile(r"</t[dh]\s*>\s*(?=<t[dh]\b)", re.IGNORECASE)
_BLOCK = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|dl|dt|dd|br|hr|main|aside)\b[^>]*>",
                    re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{1,400}>")
HEADING_MARK = "\ue000"  # private use: set before a Markdown heading's text, read by paragraphs.py
QUOTE_MARK = "\ue001"  # likewise before a quoted line: it never continues the paragraph above
_PAGE_MARK = re.compile(r"^\s*[-–—~]\s*\d{1,3}\s*[-–—~]?\s*$")
_MARKUP_CHARS = re.compile(r"[<>#*_|:=+・‧∙-]")
_FRONT_MATTER = re.compile(r"\A\s*---\s*\n.*?\n---\s*\n", re.DOTALL)
_TAG = re.compile(r"<\s*br\s*/?\s*>|</?(?:p|div|span|b|strong|em|i|u|font|td|tr|th|table|tbody|thead|li|ul|ol)\b[^>]*>",
                  re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|・|‧|∙)\s+(?:\[[ xX]\]\s*)?(?=\S)")  # - [ ] 請…: a to-do box
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$|^\s*:::+\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ENTITY = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
# One character, one space, one character …: letter-spaced or OCR-spaced text.
_DIGIT_GAP = re.compile(r"(?<=\d) (?=\d)")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")
_SPACED_RUN = re.compile(r"(?<!\S)\S+(?: \S+)+")


def plain_lines(text: str) -> str:
    """The text with Markdown / HTML markup and letter-spacing removed, line by line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _FRONT_MATTER.sub("", text, count=1)
    if _HTML.search(text):
        text = html_text(text)
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    out = []
    for line in text.split("\n"):
        if _MARKUP_CHARS.search(line):  # most lines of most minutes have none: keep them cheap
            line = _markdown(line)
        out.append(despace(line) if line.count(" ") >= 2 else line)
    return "\n".join(out)


def html_text(text: str) -> str:
    """A saved web page: one block per line, table cells split by tabs, <dt> labels before a colon."""
    text = _INVISIBLE.sub("", text)
    text = _CELL_END.sub("\t", text)
    text = _BLOCK.sub("\n", text)
    return _ANY_TAG.sub("", text)


def _markdown(line: str) -> str:
    if _PAGE_MARK.match(line):
        return line  # - 3 -: a page number, for cleaning.py to drop, not a bullet
    line = _TAG.sub("", line)
    if _RULE.match(line) or _TABLE_RULE.match(line):
        return ""
    if line.count("|") == 1 and line.strip().endswith("|"):
        line = line.replace("|", "")  # 案 由 | / 建請縣府… |: a flattened two-column table
    if heading := _HEADING.match(line):  # ## 第二次工作會議: a heading, never the tail of the line above
        line = HEADING_MARK + line[heading.end() :]
    if _QUOTE.match(line) and not line.startswith(HEADING_MARK):  # > …: a quoted block opens a paragraph
        line = QUOTE_MARK + _QUOTE.sub("", line)
    return _BULLET.sub(r"\1• ", _EMPHASIS.sub("", line))


def despace(line: str) -> str:
    """「1 1 2 年 度 第 1 6 次」 → 「112年度第16次」; wide gaps between columns are kept."""
    if line.count(" ") < 2:
        return line
    tokens = line.split()
    if len(tokens) >= 8 and sum(len(t) == 1 for t in tokens) >= 0.7 * len(tokens):
        return _CJK_GAP.sub("", _DIGIT_GAP.sub("", line))  # a whole text extracted one character at a time
    return _SPACED_RUN.sub(_join, line)


def _join(m: re.Match[str]) -> str:
    tokens = m.group().split(" ")
    if len(tokens) < 4 or any(len(t) > 1 for t in tokens[1:-1]):
        return m.group()  # spaced out: single characters, save perhaps the first and the last
    if all(t.isascii() and t.isalpha() for t in tokens[:3]):
        return m.group()  # "a b c" in Latin text is words, not spacing
    return "".join(tokens)
