using Cordon.Features.Ledger;
using Cordon.Platform.People;
using Cordon.Platform.Places;

namespace Cordon.Tests.Features.Ledger;

public sealed class IdNumberTests
{
    private static readonly DateOnly Today = new(2026, 11, 29);

    [Theory]
    [InlineData("11010519491231002X", "11010519491231002X")]
    [InlineData("11010519491231002x", "11010519491231002X")]
    [InlineData("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X")]
    [InlineData(" 110105 19491231 002X ", "11010519491231002X")]
    public void ValidNumbersAreNormalisedAndAccepted(string raw, string normalized)
    {
        var check = IdNumber.Check(raw, Today);
        Assert.Null(check.Error);
        Assert.Equal(normalized, check.Normalized);
        Assert.Equal(new DateOnly(1949, 12, 31), check.BirthDate);
        Assert.Equal(Sex.Female, check.Sex);
    }

    [Theory]
    [InlineData("110105194912310021", "id_check_digit")]
    [InlineData("110105199002300014", "id_birth_date")]
    [InlineData("110105203001010013", "id_birth_in_future")]
    [InlineData("11010519491231002", "id_length")]
    [InlineData("11010519491231002X1", "id_length")]
    [InlineData("990105194912310025", "id_region")]
    [InlineData("11010519491231A02X", "id_characters")]
    [InlineData("110105491231002", "id_legacy_15")]
    [InlineData("3.10101E+17", "id_rounded_by_spreadsheet")]
    [InlineData("3.10101199001011E+17", "id_rounded_by_spreadsheet")]
    [InlineData("310101199001011000", "id_rounded_by_spreadsheet")]
    [InlineData("", "id_missing")]
    public void InvalidNumbersSayWhatIsWrong(string raw, string code) => Assert.Equal(code, IdNumber.Check(raw, Today).Error);

    [Fact]
    public void ComposedNumbersPassTheirOwnCheck()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var birth = new DateOnly(1930, 1, 1).AddDays(random.Next(0, 30000));
            var number = IdNumber.Compose("310110", birth, random.Next(0, 1000));
            var check = IdNumber.Check(number, Today);
            Assert.True(check.IsValid, number);
            Assert.Equal(birth, check.BirthDate);
        }
    }

    [Theory]
    [InlineData("13812345678", "13812345678", true)]
    [InlineData("+86 138-1234-5678", "13812345678", true)]
    [InlineData("１３８１２３４５６７８", "13812345678", true)]
    [InlineData("12812345678", "12812345678", false)]
    [InlineData("1381234567", "1381234567", false)]
    public void MobileNumbers(string raw, string normalized, bool valid)
    {
        var (value, error) = ResidentRules.PhoneNumber(raw);
        Assert.Equal(normalized, value);
        Assert.Equal(valid, error is null);
    }

    [Theory]
    [InlineData("502", 5)]
    [InlineData("1203", 12)]
    [InlineData("101", 1)]
    [InlineData("B102", 1)]
    [InlineData("3301", 33)]
    public void TheFloorComesFromTheRoomNumber(string room, int floor) => Assert.Equal(floor, Address.FloorOf(room));

    [Theory]
    [InlineData("12-3-502", "12号", 3, "502")]
    [InlineData("12号-3-502", "12号", 3, "502")]
    [InlineData("12号502", "12号", null, "502")]
    [InlineData("12号3单元502室", "12号", 3, "502")]
    public void AddressesAreReadAsCommitteesWriteThem(string text, string building, int? entrance, string room)
    {
        var parsed = Address.TryParse(text);
        Assert.NotNull(parsed);
        Assert.Equal((building, entrance, room), parsed.Value);
    }

    [Theory]
    [InlineData("张三", true)]
    [InlineData("买买提·艾力", true)]
    [InlineData("KIM MINJUN", true)]
    [InlineData("<script>alert(1)</script>", false)]
    [InlineData("张三\"", false)]
    [InlineData("", false)]
    public void NamesAreLettersNotMarkup(string name, bool ok) => Assert.Equal(ok, ResidentRules.Name(name).Error is null);
}
