from rest_framework import viewsets


class ReferenceDataViewSet(viewsets.ModelViewSet):
    """CRUD for reference data: every signed-in user reads, catalogue managers write.

    Subclasses name a ``selector`` returning the base queryset (with its joins) and
    the FilterSet shared with the pages; ordering is part of that FilterSet.
    """

    selector = None

    def get_queryset(self):
        return type(self).selector()
