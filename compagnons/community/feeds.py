"""An Atom feed per public category: the newsgroup reader's habit, kept. Members-only categories have none."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from compagnons.community.models import Category, Post, Thread

FEED_SIZE = 30


class CategoryFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        category = get_object_or_404(Category, slug=slug)
        if not category.is_public:
            raise Http404
        return category

    def title(self, category):
        return _("Entraide des Compagnons — %(name)s") % {"name": category.name}

    def link(self, category):
        return category.get_absolute_url()

    def subtitle(self, category):
        return category.description

    def items(self, category):
        threads = list(
            Thread.objects.filter(category=category, hidden_at=None)
            .select_related("author")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )
        questions = {
            post.thread_id: post
            for post in Post.objects.filter(thread__in=threads, is_question=True, status=Post.Status.VISIBLE)
        }
        for thread in threads:
            thread.question = questions.get(thread.pk)
        return [thread for thread in threads if thread.question is not None]

    def item_title(self, thread):
        return thread.title

    def item_description(self, thread):
        return thread.question.body_html

    def item_author_name(self, thread):
        return _("ancien membre") if thread.author.erased_at else thread.author.display_name

    def item_pubdate(self, thread):
        return thread.created_at

    def item_updateddate(self, thread):
        return thread.last_activity_at
