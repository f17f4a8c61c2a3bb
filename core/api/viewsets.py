from rest_framework import viewsets


class ReferenceDataViewSet(viewsets.ModelViewSet):
    """CRUD for reference data: every signed-in user reads, catalogue managers write.

    Subclasses name a ``selector`` returning the base queryset (with its joins) and
    the FilterSet shared with the pages; ordering is part of that FilterSet.
    """

    selector = None

    def get_queryset(self):
        return type(self).selector()

    def perform_create(self, serializer):
        serializer.save()
        self._reread(serializer)

    def perform_update(self, serializer):
        serializer.save()
        self._reread(serializer)

    def _reread(self, serializer):
        # Answer with the row as reads show it: the selector's annotations (counts) included,
        # as the schema promises.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)
