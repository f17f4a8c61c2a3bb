from .selectors import user_scope


def roles(request):
    """Expose the signed-in user's scope to templates so navigation adapts to the role."""
    return {"scope": user_scope(getattr(request, "user", None))}
