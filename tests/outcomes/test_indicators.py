"""Each indicator against the values worked out by hand on the fixture cohort (tests/outcomes/conftest.py)."""

from compagnons.outcomes import indicators
from compagnons.outcomes.indicators import HOLDERS, LEAVERS, Filters, Rate
from compagnons.outcomes.models import Exit, FollowUp


def fixture_report(world):
    return indicators.report(Filters(cohort=world.cohort))


class TestPath:
    def test_headcount_completion_dropout_certification(self, world):
        path = fixture_report(world).path
        # 10 entered (r1 only asked); 6 certified + 1 completed went to the end; 2 dropped out; a1 still there.
        assert (path.entered, path.active) == (10, 1)
        assert path.completion == Rate(7, 10, "completed")
        assert path.dropout == Rate(2, 10, "dropped")
        assert path.certification == Rate(6, 10, "certified")
        assert path.completion.pct == 70.0

    def test_dropout_causes(self, world):
        causes = {value: count for value, _label, count in fixture_report(world).causes}
        assert causes == {"work": 1, "health": 1}

    def test_certification_per_bloc_counts_cohort_members_only(self, world):
        blocks = {row["block__code"]: rate for row, rate in fixture_report(world).blocks}
        # BC01: h1, h2 and d1 (validated before leaving); BC02: h1, h2. v1 (VAE) is not a cohort member.
        assert (blocks["BC01"].num, blocks["BC01"].den) == (3, 10)
        assert (blocks["BC02"].num, blocks["BC02"].den) == (2, 10)

    def test_mentoring_hours_count_the_enrollment_only(self, world):
        from datetime import timedelta

        from compagnons.apprenticeship.models import MentoringSession

        session = MentoringSession.objects.filter(apprentice=world.people["h1"], status="confirmed").get()
        MentoringSession.objects.filter(pk=session.pk).update(date=world.cohort.starts_on - timedelta(days=1))
        assert fixture_report(world).path.mentoring_minutes == 0
        MentoringSession.objects.filter(pk=session.pk).update(date=world.exited_on + timedelta(days=1))
        assert fixture_report(world).path.mentoring_minutes == 0

    def test_mentoring_hours_count_confirmed_sessions_only(self, world):
        path = fixture_report(world).path
        assert path.mentoring_minutes == 90
        assert path.mentoring_hours == 1.5


class TestInsertion:
    def test_holders_at_six_months_neutralise_and_show_the_response_rate(self, world):
        ins = fixture_report(world).insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]
        # Cohort filter: the holders of this cohort, h1…h6 (v1 has no cohort). h5 did not answer;
        # h3 (training) and h6 (abroad) are neutralised: counted = 5 − 2 = 3; in work h1, h2; in the trade h1.
        assert (ins.surveyed, ins.respondents, ins.neutralised, ins.counted) == (6, 5, 2, 3)
        assert ins.response == Rate(5, 6, "ins-6-holders-respondents")
        assert ins.overall == Rate(2, 3, "ins-6-holders-in_work")
        assert ins.trade == Rate(1, 3, "ins-6-holders-in_trade")

    def test_all_holders_include_vae(self, world):
        ins = indicators.report(Filters()).insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]
        # h1…h6, v1 and o1 surveyed; h5 silent; h3, h6 neutralised → counted 8 − 1 − 2 = 5;
        # in work h1, h2, v1, o1 = 4; in the trade h1, v1, o1 = 3.
        assert (ins.surveyed, ins.respondents, ins.neutralised) == (8, 7, 2)
        assert (ins.overall.num, ins.overall.den) == (4, 5)
        assert (ins.trade.num, ins.trade.den) == (3, 5)
        assert ins.overall.pct == 80.0

    def test_every_leaver_is_an_internal_indicator(self, world):
        ins = fixture_report(world).insertion[(FollowUp.Wave.SIX_MONTHS, LEAVERS)]
        # Adds c1 (unable: neutralised), d1 (independent, in the trade) and d2 (silent) to the cohort's holders.
        assert (ins.surveyed, ins.respondents, ins.neutralised, ins.counted) == (9, 7, 3, 4)
        assert (ins.overall.num, ins.trade.num) == (3, 2)

    def test_the_internal_indicator_leaves_vae_out(self, world):
        ins = indicators.report(Filters()).insertion[(FollowUp.Wave.SIX_MONTHS, LEAVERS)]
        # Everyone who left the path: h1…h6, c1, d1, d2 and o1 — not v1, who came by VAE.
        assert ins.surveyed == 10
        assert ins.respondents == 8

    def test_a_survey_still_open_is_not_yet_a_non_response(self, world):
        from datetime import timedelta

        from django.utils import timezone

        recent = timezone.localdate() - timedelta(days=indicators.answer_window_days() - 1)
        FollowUp.objects.filter(exit__member=world.people["h5"], wave=6).update(due_on=recent)
        ins = fixture_report(world).insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]
        assert (ins.surveyed, ins.respondents) == (5, 5)  # h5 may still answer
        FollowUp.objects.filter(exit__member=world.people["h5"], wave=6).update(due_on=recent - timedelta(days=1))
        ins = fixture_report(world).insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]
        assert (ins.surveyed, ins.respondents) == (6, 5)

    def test_abroad_is_a_job_when_the_trade_is_international(self, world, settings):
        settings.OUTCOMES_TRADE_IS_INTERNATIONAL = True
        ins = fixture_report(world).insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]
        assert (ins.neutralised, ins.counted) == (1, 4)
        assert (ins.overall.num, ins.trade.num) == (3, 2)

    def test_two_years(self, world):
        ins = fixture_report(world).insertion[(FollowUp.Wave.TWO_YEARS, HOLDERS)]
        assert (ins.surveyed, ins.respondents, ins.counted) == (6, 1, 1)
        assert ins.trade == Rate(1, 1, "ins-24-holders-in_trade")

    def test_surveys_not_yet_due_are_not_counted(self, world):
        FollowUp.objects.filter(wave=24).update(due_on=world.exited_on.replace(year=world.exited_on.year + 5))
        ins = fixture_report(world).insertion[(FollowUp.Wave.TWO_YEARS, HOLDERS)]
        assert (ins.surveyed, ins.respondents) == (0, 0)
        assert ins.overall.pct is None


class TestFranceCompetencesYear:
    def test_year_row(self, world):
        (row,) = indicators.year_rows(Filters())
        assert row.year == world.exited_on.year
        assert (row.certified, row.certified_vae) == (8, 1)  # h1…h6, o1 and v1
        assert row.six_months.overall.pct == 80.0
        assert row.six_months.trade.pct == 60.0
        assert row.two_years.trade.pct == 100.0


class TestMissionsAndFilters:
    def test_time_to_first_mission_through_the_bank(self, world):
        report = fixture_report(world)
        assert report.exits == 9  # h1…h6, c1, d1, d2
        assert report.with_mission == Rate(1, 9, "first-mission")
        assert report.median_days_to_mission == 30
        assert report.missions_via_bank == 1

    def test_funding_filter_keeps_cohorts_apart(self, world):
        region = indicators.report(Filters(funding="region"))
        assert region.path.entered == 1
        assert region.insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)].overall == Rate(1, 1, "ins-6-holders-in_work")

    def test_exits_are_recorded_once_per_enrollment_and_decision(self, world):
        assert Exit.objects.count() == 11
        assert Exit.objects.filter(route="vae").count() == 1
        from compagnons.outcomes import services

        assert services.sync_exits() == 0
        assert FollowUp.objects.count() == 11 * 4


class TestPeopleBehind:
    def test_each_key_lists_its_people(self, world):
        p = world.people
        kind, rows = indicators.people(Filters(cohort=world.cohort), "dropped")
        assert kind == "enrollment"
        assert {e.member for e in rows} == {p["d1"], p["d2"]}
        kind, rows = indicators.people(Filters(cohort=world.cohort), "ins-6-holders-neutralised")
        assert {f.exit.member for f in rows} == {p["h3"], p["h6"]}
        kind, rows = indicators.people(Filters(cohort=world.cohort), "ins-6-holders-nonrespondents")
        assert {f.exit.member for f in rows} == {p["h5"]}
        kind, rows = indicators.people(Filters(), "first-mission")
        assert [e.member for e in rows] == [p["h1"]]

    def test_unknown_keys_mean_nothing(self, world):
        for key in ("", "ins-7-holders-in_work", "ins-6-all-in_work", "ins-6-holders-drop", "bloc-x", "nope"):
            assert indicators.people(Filters(), key) is None


class TestPerCertification:
    def test_a_certification_counts_its_holders_of_every_route(self, world):
        certification = world.cohort.certification
        ins = indicators.report(Filters(certification=certification)).insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]
        assert (ins.surveyed, ins.respondents) == (8, 7)  # the same as all holders: one title here, VAE included

    def test_another_certification_counts_nobody(self, world):
        from compagnons.skills.models import Certification

        other = Certification.objects.create(slug="autre-titre", name="Autre titre", kind="RS")
        report = indicators.report(Filters(certification=other))
        assert report.path.entered == 0
        assert report.insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)].surveyed == 0
