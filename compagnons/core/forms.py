"""Forms whose fields are the same for every request: the search pages' filters (issue 21).

Django deep-copies a form class's fields for each form it builds (`BaseForm.__init__`), so that a form may change
its own: a filter of five lists cost 50 deep copies and a third of a millisecond at every search, for fields that no
filter form ever changes. `SharedFieldsForm` gives each form the class's field objects themselves, in a dict of its
own (adding or removing a field stays the form's business), and deep-copies only the fields that must be each form's
own: those marked `per_form = True` (`apprenticeship.forms.OptionsChoiceField`, which reads its options when copied)
and model choice fields (their queryset).

The rule for a subclass: never change a field's attributes, its widget or its widget's attributes after the class is
defined (in `__init__` or elsewhere): every form of the class would see it. A form that needs that is an ordinary
`forms.Form`.
"""

import copy

from django import forms


def _own_copy(field: forms.Field) -> bool:
    return getattr(field, "per_form", False) or isinstance(field, forms.ModelChoiceField)


class _SharedFields(dict):
    def __deepcopy__(self, memo):
        return {name: copy.deepcopy(field, memo) if _own_copy(field) else field for name, field in self.items()}


class SharedFieldsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        cls = type(self)
        if type(cls.__dict__.get("base_fields")) is not _SharedFields:
            cls.base_fields = _SharedFields(cls.base_fields)
        super().__init__(*args, **kwargs)
