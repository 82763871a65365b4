"""Test data, one module per app. Rows of an app are built through that app's services, as a person's actions
build them (a cohort saved by its formateur, an enrollment taken by staff, a mission posted then qualified…), never
by writing another app's rows by hand; a date in the past is given after the service wrote the row.

- accounts: UserFactory (roles as traits), PASSWORD
- apprenticeship: CohortFactory, enroll, pair, log_session
- missions: MissionFactory (submitted / published / assigned / closed), declare, CHECKLIST
- certification: judge_by_jury
- quality: file_complaint, make_survey, closed_mission
- outcomes: exit_of, answer
- community: category, ask, reply, question_of
"""

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.certification import judge_by_jury

__all__ = ["PASSWORD", "UserFactory", "judge_by_jury"]
