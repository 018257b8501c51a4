using Cordon.Features.Care;

namespace Cordon.Tests.Features.Care;

/// <summary>How often a need comes back: ISO 8601 durations and the RFC 5545 rules a care plan needs, counted in Shanghai time.</summary>
public sealed class RecurrenceTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateTime Local(int month, int day, int hour) => TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, month, day, hour, 0, 0, DateTimeKind.Unspecified), Shanghai);

    [Theory]
    [InlineData("P3D", "P3D")]
    [InlineData("pt12h", "PT12H")]
    [InlineData("RRULE:FREQ=WEEKLY;BYDAY=FR,MO,WE", "FREQ=WEEKLY;BYDAY=MO,WE,FR")]
    [InlineData("FREQ=DAILY;INTERVAL=2;COUNT=5", "FREQ=DAILY;INTERVAL=2;COUNT=5")]
    public void RulesAreReadAndWrittenOneWay(string raw, string canonical) => Assert.Equal(canonical, Recurrence.Parse(raw).Rule!.Text);

    [Theory]
    [InlineData("FREQ=HOURLY", "FREQ=HOURLY")]
    [InlineData("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX")]
    [InlineData("PT10M", "PT10M")]
    [InlineData("P200D", "P200D")]
    [InlineData("BYDAY=MO", "FREQ")]
    public void WhatCannotBeReadNamesThePartThatIsWrong(string raw, string wrong)
    {
        var (rule, part) = Recurrence.Parse(raw);
        Assert.Null(rule);
        Assert.Equal(wrong, part);
    }

    [Fact]
    public void DialysisOnMondayWednesdayAndFridayKeepsItsHourAcrossTheWeek()
    {
        var rule = Recurrence.Parse("FREQ=WEEKLY;BYDAY=MO,WE,FR").Rule!;
        var tuesday = Local(12, 1, 7);
        var days = new List<DateTime>();
        var at = tuesday;
        for (var i = 1; i <= 4; i++)
        {
            at = rule.Next(at, i, Shanghai)!.Value;
            days.Add(at);
        }

        Assert.Equal([Local(12, 2, 7), Local(12, 4, 7), Local(12, 7, 7), Local(12, 9, 7)], days);
    }

    [Fact]
    public void CountUntilAndIntervalEndOrSpaceThePlan()
    {
        var every3 = Recurrence.Parse("P3D").Rule!;
        Assert.Equal(Local(12, 4, 8), every3.Next(Local(12, 1, 8), 1, Shanghai));
        var twice = Recurrence.Parse("FREQ=DAILY;COUNT=2").Rule!;
        Assert.Equal(Local(12, 2, 8), twice.Next(Local(12, 1, 8), 1, Shanghai));
        Assert.Null(twice.Next(Local(12, 2, 8), 2, Shanghai));
        var until = Recurrence.Parse("FREQ=DAILY;UNTIL=20261202").Rule!;
        Assert.NotNull(until.Next(Local(12, 1, 8), 1, Shanghai));
        Assert.Null(until.Next(Local(12, 2, 8), 2, Shanghai));
        var fortnightly = Recurrence.Parse("FREQ=WEEKLY;INTERVAL=2").Rule!;
        Assert.Equal(Local(12, 15, 9), fortnightly.Next(Local(12, 1, 9), 1, Shanghai));
    }

    [Fact]
    public void PeopleReadTheKindsCodesTheOtherFeaturesUse() =>
        Assert.Equal(Cordon.Platform.Care.CareKinds.Codes, CareDesk.Kinds);
}
