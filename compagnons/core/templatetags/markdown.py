from django import template

from compagnons.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """`{{ capsule.body|markdown }}`: Markdown rendered and sanitised (compagnons.core.markdown)."""
    return render_markdown(text)
