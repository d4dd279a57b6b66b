"""The HTML the reports are written in: every user string escaped."""

from __future__ import annotations

from hadr_lib.views import paragraphs_html


def test_sentences_become_escaped_paragraphs_mathjax_leaves_alone():
    out = paragraphs_html("Costs ($860,251 / 2) a year.", "A <script>x</script> & B's\nsecond line", "  ")
    assert out == ('<div class="hadr-sentences tex2jax_ignore mathjax_ignore">'
                   "<p>Costs ($860,251 / 2) a year.</p>"
                   "<p>A &lt;script&gt;x&lt;/script&gt; &amp; B's</p><p>second line</p></div>")


def test_no_sentences_is_an_empty_block():
    assert paragraphs_html() == '<div class="hadr-sentences tex2jax_ignore mathjax_ignore"></div>'


def test_say_displays_the_paragraphs(monkeypatch):
    import IPython.display

    from hadr_lib import views

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    views.say("One.", "Two.")
    assert [x.data for x in shown] == [paragraphs_html("One.", "Two.")]
