"""What the community holds about a person: their posts are exported with their data; on erasure the posts stay
(others' answers and the thread's sense depend on them) and show « ancien membre » (the author is erased); their
follows, notifications, preference and moderation role go, and their name is taken out of others' posts."""

from compagnons.accounts.models import User
from compagnons.accounts.services import replace_ci
from compagnons.community import services
from compagnons.community.models import Follow, Moderator, Notification, Post, Preference, Report


def export(user: User) -> dict:
    return {
        "posts": [
            {
                "thread": post.thread_id,
                "title": post.search_title,
                "body": post.body,
                "created_at": post.created_at.isoformat(),
                "status": post.status,
                "helpful": post.helpful,
            }
            for post in Post.objects.filter(author=user).order_by("created_at").iterator()
        ],
        "reports": [{"post": r.post_id, "reason": r.reason} for r in Report.objects.filter(reporter=user)],
        "follows": [{"thread": f.thread_id, "category": f.category_id} for f in Follow.objects.filter(member=user)],
        "email_preference": getattr(Preference.objects.filter(member=user).first(), "email", None),
    }


def erase(user: User, traces: list[str]) -> None:
    Follow.objects.filter(member=user).delete()
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(member=user).delete()
    Moderator.objects.filter(member=user).delete()
    Report.objects.filter(reporter=user).update(reason="—")
    # Others' posts may name the person: their e-mail address, or a mention « @Prénom Nom ». (A first name alone is
    # left: another member may bear it.) A rare scan, on erasure only.
    emails = [trace for trace in traces if "@" in trace and not trace.startswith("@")]
    names = [trace for trace in traces if "@" not in trace]
    patterns = emails + ([f"@{names[0]} {names[1]}"] if len(names) >= 2 else [])
    for pattern in patterns:
        for post in Post.objects.filter(body__icontains=pattern).exclude(author=user):
            services.rewrite_body(post, replace_ci(post.body, pattern, "ancien membre"))
