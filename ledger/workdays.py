"""China's working days: Monday to Friday, less statutory holidays and 调休 rest days,
plus the make-up weekend working days, from the maintained `holidays` library.

Two conventions for "N working days before a day", each a profile's choice
(`one_off_lead_counting`, cited there):

- ``filing_day_counts`` (威海 第十六条 as the text reads: "开班前5个工作日备案"): count
  back from the day before the start; the Nth working day found is the last day to
  file, and the filing day itself may be that day (`nth_working_day_before`).
- ``strictly_between`` (民法典 第二百零一条: 开始的当日不计入): neither the filing day nor
  the start counts, one day stricter (`between`).

The State Council publishes each year's arrangement late in the year before. For a year
the library holds no official arrangement for, nothing is guessed: NoOfficialData.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

import holidays

ONE_DAY = timedelta(days=1)


class NoOfficialData(LookupError):
    def __init__(self, year: int):
        super().__init__(f"no official holiday arrangement for {year} is known yet")
        self.year = year


class ChinaWorkdays:
    FIRST_YEAR, LAST_YEAR = 2000, 2100

    @cached_property
    def _calendar(self) -> holidays.HolidayBase:
        return holidays.China(years=range(self.FIRST_YEAR, self.LAST_YEAR + 1))

    @cached_property
    def official_years(self) -> frozenset[int]:
        """Years whose State Council arrangement the library carries. Every arrangement
        since 2000 moves rest days with make-up weekend working days (调休上班), so a year
        without any is a year the library has no official data for."""
        return frozenset(day.year for day in self._calendar.weekend_workdays)

    def has_official_data(self, year: int) -> bool:
        return year in self.official_years

    def is_working_day(self, day: date) -> bool:
        if not self.has_official_data(day.year):
            raise NoOfficialData(day.year)
        return self._calendar.is_working_day(day)

    def between(self, after: date, before: date) -> int:
        """Working days strictly between two dates (neither end counts)."""
        count, day = 0, after + ONE_DAY
        while day < before:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def counted_from(self, filed_on: date, start: date) -> int:
        """Working days from the filing day (counted) up to the day before ``start``."""
        return self.between(filed_on - ONE_DAY, start)

    def nth_working_day_before(self, start: date, n: int) -> date:
        """The Nth working day counting back from the day before ``start``: the last day
        a filing made ``n`` working days before the class may be made."""
        seen, day = 0, start
        while seen < n:
            day -= ONE_DAY
            seen += self.is_working_day(day)
        return day

    def earliest_start(self, filed_on: date, lead: int, *,
                       filing_day_counts: bool = False) -> date:
        """The first day a class may start when filed on ``filed_on`` with ``lead``
        working days required before it, under either convention."""
        seen = int(self.is_working_day(filed_on)) if filing_day_counts else 0
        day = filed_on
        while seen < lead:
            day += ONE_DAY
            seen += self.is_working_day(day)
        return day + ONE_DAY


CHINA = ChinaWorkdays()
