using System.Buffers;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.EventStream.Tests.Golden;

public sealed class GoldenFrameTests
{
    public static TheoryData<string> CaseNames => [.. GoldenCases.Names];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_GoldenFrame_YieldsGeneratorValues(string name)
    {
        var golden = GoldenCases.Get(name);

        var decoded = EventStreamCodec.Decode(golden.Frame);

        Assert.Equal(golden.Message.Headers, decoded.Headers);
        Assert.Equal(golden.Message.Payload.ToArray(), decoded.Payload.ToArray());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encode_GoldenValues_IsByteIdenticalToGenerator(string name)
    {
        var golden = GoldenCases.Get(name);

        var encoded = EventStreamCodec.Encode(golden.Message);

        Assert.Equal(Convert.ToHexString(golden.Frame), Convert.ToHexString(encoded));
        Assert.Equal(golden.Frame.Length, EventStreamCodec.GetEncodedLength(golden.Message));
    }

    [Fact]
    public void Decode_GreengrassConnectCapturedFromRealClient_HasHandshakeHeaders()
    {
        // Captured from aws-iot-device-sdk-v2 1.28.0 (greengrass-ipc.md section 2.3), typed in independently of the JSON file.
        var frame = Convert.FromHexString(
            "0000007800000048d487bdc5083a76657273696f6e070005302e312e300d3a6d6573736167652d7479706504000000040e3a6d6573736167652d666c61677304000000000a3a73747265616d2d696404000000007b2261757468546f6b656e223a224142434445464748494a4b4c4d4e4f50227dfc808abe");

        var message = EventStreamCodec.Decode(frame);

        Assert.Equal("0.1.0", message.GetHeaderOrNull(":version")?.AsString());
        Assert.Equal(4, message.GetHeaderOrNull(":message-type")?.AsInt32());
        Assert.Equal(0, message.GetHeaderOrNull(":message-flags")?.AsInt32());
        Assert.Equal(0, message.GetHeaderOrNull(":stream-id")?.AsInt32());
        Assert.Equal("""{"authToken":"ABCDEFGHIJKLMNOP"}""", System.Text.Encoding.UTF8.GetString(message.Payload.Span));
        Assert.Equal(frame, EventStreamCodec.Encode(message));
        Assert.Equal(frame, GoldenCases.Get("greengrass-connect").Frame);
    }

    [Fact]
    public void TryDecode_AllGoldenFramesConcatenated_YieldsEveryCaseInOrder()
    {
        var names = GoldenCases.Names.ToArray();
        var sequence = new ReadOnlySequence<byte>(names.SelectMany(n => GoldenCases.Get(n).Frame).ToArray());

        var decodedCount = 0;
        while (EventStreamCodec.TryDecode(ref sequence, out var message))
        {
            Assert.Equal(GoldenCases.Get(names[decodedCount]).Message.Headers, message.Headers);
            decodedCount++;
        }

        Assert.Equal(names.Length, decodedCount);
        Assert.True(sequence.IsEmpty);
    }

    [Fact]
    public async Task Generator_RerunWithInstalledCodec_ReproducesCommittedFile()
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "EdgeInference.EventStream.Tests", "Golden", "generate-golden.mjs");
        var committed = Path.Combine(Path.GetDirectoryName(script)!, GoldenCases.FileName);
        var node = FindOnPath("node");
        if (node is null || !RepoPaths.HasNodeModules || !Directory.Exists(Path.Combine(RepoPaths.NodeModules, "@smithy", "eventstream-codec")))
        {
            Assert.Skip("node or tests/node/node_modules/@smithy/eventstream-codec is not installed (tests/run.sh installs them).");
        }

        var generated = await ExternalTool.RunAsync(
            node, [script, "--stdout"], TestContext.Current.CancellationToken, timeout: TimeSpan.FromSeconds(60),
            environment: new Dictionary<string, string?> { ["EDGE_INFERENCE_NODE_MODULES"] = RepoPaths.NodeModules });

        Assert.True(generated.ExitCode == 0, $"generator failed: {generated.Stderr}");
        Assert.Equal(await File.ReadAllTextAsync(committed, TestContext.Current.CancellationToken), generated.Stdout);
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
}
