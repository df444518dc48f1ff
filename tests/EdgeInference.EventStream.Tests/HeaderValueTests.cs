using Xunit;

namespace EdgeInference.EventStream.Tests;

public sealed class HeaderValueTests
{
    [Fact]
    public void As_WrongType_ThrowsInvalidOperation()
    {
        var value = HeaderValue.FromInt32(5);

        Assert.Throws<InvalidOperationException>(() => value.AsString());
        Assert.Throws<InvalidOperationException>(() => value.AsInt64());
        Assert.Null(value.TryGetString());
        Assert.Equal(5, value.TryGetInt32());
    }

    [Fact]
    public void Equals_SameBytesDifferentArrays_AreEqual()
    {
        Assert.Equal(HeaderValue.FromBytes([1, 2, 3]), HeaderValue.FromBytes([1, 2, 3]));
        Assert.NotEqual(HeaderValue.FromBytes([1, 2, 3]), HeaderValue.FromBytes([1, 2, 4]));
        Assert.NotEqual(HeaderValue.FromInt32(1), HeaderValue.FromInt64(1));
        Assert.True(HeaderValue.FromString("a") == "a");
    }

    [Fact]
    public void FromTimestamp_SubMillisecondTicks_TruncatesToMilliseconds()
    {
        var value = HeaderValue.FromTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123).AddTicks(5));

        Assert.Equal(1700000000123, value.AsTimestampMilliseconds());
    }

    [Fact]
    public void FromString_OverMaximumUtf8Length_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HeaderValue.FromString(new string('a', HeaderValue.MaxVariableLength + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeaderValue.FromString(new string('\u00e9', (HeaderValue.MaxVariableLength / 2) + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeaderValue.FromBytes(new byte[HeaderValue.MaxVariableLength + 1]));
    }

    [Fact]
    public void FromBytes_CallerMutatesSource_ValueUnchanged()
    {
        byte[] source = [1, 2, 3];
        var value = HeaderValue.FromBytes(source);

        source[0] = 9;

        Assert.Equal(new byte[] { 1, 2, 3 }, value.AsBytes().ToArray());
    }
}
