from compagnons.core.markdown import render_markdown


def test_markdown_is_rendered():
    html = render_markdown("## Votre prix\n\nUn **tarif** juste :\n\n- le temps\n- la valeur")
    assert "<h4>Votre prix</h4>" in html
    assert "<strong>tarif</strong>" in html
    assert "<li>le temps</li>" in html


def test_raw_html_and_scripts_never_reach_the_page():
    html = render_markdown('Bonjour <script>alert(1)</script><img src=x onerror="alert(2)"> <b onclick="x()">gras</b>')
    assert "<script" not in html and "alert(1)" not in html
    assert "<img" not in html and "onerror" not in html
    assert "onclick" not in html


def test_dangerous_links_are_dropped_and_others_marked_nofollow():
    html = render_markdown("[piège](javascript:alert(1)) et [site](https://example.org)")
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html and 'rel="nofollow noopener noreferrer"' in html


def test_empty_text_gives_empty_html():
    assert render_markdown("") == ""
