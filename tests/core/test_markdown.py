from compagnons.core.markdown import has_links, render_markdown


def test_markdown_is_rendered():
    html = render_markdown("# Titre\n\n**gras** et *italique*\n\n- un\n- deux\n\n> citation")
    assert "<h2>Titre</h2>" in html
    assert "<strong>gras</strong>" in html
    assert "<li>un</li>" in html
    assert "<blockquote>" in html


def test_scripts_iframes_and_handlers_never_pass():
    html = render_markdown(
        '<script>alert(1)</script><iframe src="https://x.test"></iframe>'
        '<img src=x onerror="alert(1)"> [clic](javascript:alert(1)) <a href="#" onclick="alert(1)">a</a>'
        "<style>body{}</style>"
    )
    for forbidden in ("<script", "alert(1)</", "<iframe", "onerror", "onclick", "javascript:", "<style", "<img"):
        assert forbidden not in html


def test_links_are_kept_with_a_safe_rel_and_code_is_escaped():
    html = render_markdown("[site](https://exemple.test)\n\n```\n<b>x</b>\n```")
    assert 'href="https://exemple.test"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_has_links():
    assert has_links("voir https://exemple.test")
    assert has_links("[a](http://x.test)")
    assert not has_links("pas de lien ici")
