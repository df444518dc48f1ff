using System.Diagnostics;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;

namespace EdgeInference.Worker.Tests.Runtime;

/// <summary>
/// Model:OnnxRuntimeLibrary, as a Jetson owner uses it with NVIDIA's build: here the bundled CPU library copied to another
/// folder is loaded instead of the bundled one (and only it is mapped), and describe says which file and version; a
/// library that is missing, not a shared library, not ONNX Runtime or too old stops the worker naming the key and file.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OnnxRuntimeLibraryProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_LibraryCopiedToAnotherFolder_LoadsThatFileAndDescribesItsPathAndVersion()
    {
        var folder = Directory.CreateTempSubdirectory("user-onnxruntime-").FullName;
        var library = Path.Combine(folder, "libonnxruntime.so");
        File.Copy(Path.Combine(WorkerProcess.WorkerDirectory, "libonnxruntime.so"), library);
        try
        {
            var (worker, port) = await WorkerProcess.StartRunningAsync(TestModels.ColorClassifier, Token, $"--Model:OnnxRuntimeLibrary={library}", "--Model:ImageDecoder=vips");
            await using (worker)
            {
                await using var client = await TestMqttClient.ConnectAsync(port, cancellationToken: Token);
                var describe = await client.RequestAsync("edge-inference/local/describe", "{}"u8.ToArray(), Token);
                var reply = await client.RequestAsync("edge-inference/local/infer", TestImages.Solid(64, 64, (10, 220, 30), ".jpg"), Token);
                var mapped = File.ReadLines($"/proc/{worker.Id}/maps").Where(l => l.Contains("libonnxruntime.so", StringComparison.Ordinal)).Select(l => l[l.IndexOf('/', StringComparison.Ordinal)..]).Distinct().ToList();

                var runtime = describe.GetProperty("Runtime");
                var onnxRuntime = runtime.GetProperty("OnnxRuntime");
                Assert.Equal(library, onnxRuntime.GetProperty("Library").GetString());
                Assert.Equal("1.31.1", onnxRuntime.GetProperty("Version").GetString());
                Assert.Equal("Model:OnnxRuntimeLibrary", onnxRuntime.GetProperty("Source").GetString());
                Assert.Equal([library], mapped);
                var decoder = runtime.GetProperty("ImageDecoder");
                Assert.Equal("vips", decoder.GetProperty("Active").GetString());
                Assert.Equal("vips", decoder.GetProperty("Requested").GetString());
                Assert.Equal("vips", describe.GetProperty("Models")[0].GetProperty("ImageDecoder").GetProperty("Active").GetString());
                Assert.Equal("green", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Run_DefaultLibraryAndDecoder_DescribesTheBundledLibraryAndOpenCv()
    {
        var (worker, port) = await WorkerProcess.StartRunningAsync(TestModels.ColorClassifier, Token);
        await using (worker)
        {
            await using var client = await TestMqttClient.ConnectAsync(port, cancellationToken: Token);
            var runtime = (await client.RequestAsync("edge-inference/local/describe", "{}"u8.ToArray(), Token)).GetProperty("Runtime");

            Assert.Equal(Path.Combine(WorkerProcess.WorkerDirectory, "libonnxruntime.so"), runtime.GetProperty("OnnxRuntime").GetProperty("Library").GetString());
            Assert.Equal("bundled", runtime.GetProperty("OnnxRuntime").GetProperty("Source").GetString());
            Assert.Equal("opencv", runtime.GetProperty("ImageDecoder").GetProperty("Active").GetString());
            Assert.Equal("auto", runtime.GetProperty("ImageDecoder").GetProperty("Requested").GetString());
            Assert.StartsWith("OpenCV 4.13", runtime.GetProperty("ImageDecoder").GetProperty("Library").GetString(), StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string> BadLibraries => new()
    {
        { "missing", "does not exist" },
        { "folder", "is a folder; name the libonnxruntime.so file in it" },
        { "text", "is not a shared library" },
        { "other-library", "is not ONNX Runtime: it has no OrtGetApiBase function" },
        { "old-onnxruntime", "is ONNX Runtime 1.20.1, too old for this worker" },
    };

    [Theory]
    [MemberData(nameof(BadLibraries))]
    public async Task Run_UnusableLibrary_ExitsWithInvalidConfigurationNamingTheKeyAndTheFile(string kind, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("bad-onnxruntime-").FullName;
        try
        {
            var library = Path.Combine(folder, "libonnxruntime.so");
            switch (kind)
            {
                case "folder":
                    library = folder;
                    break;
                case "text":
                    await File.WriteAllTextAsync(library, "not a library", Token);
                    break;
                case "other-library":
                    File.Copy(Path.Combine(WorkerProcess.WorkerDirectory, "libvips.so.42"), library);
                    break;
                case "old-onnxruntime":
                    await CompileOldOnnxRuntimeAsync(library);
                    break;
            }

            await using var worker = WorkerProcess.Start($"--Mqtt:Port={FreePort.Next()}", $"--Model:Path={TestModels.ColorClassifier}", $"--Model:OnnxRuntimeLibrary={library}");
            var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.True(exitCode == 2, worker.Output);
            Assert.Contains($"Model:OnnxRuntimeLibrary '{library}' {expected}", worker.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", worker.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A shared library with ONNX Runtime's entry point that reports version 1.20.1 and has no C API 31, as an old build does.</summary>
    private static async Task CompileOldOnnxRuntimeAsync(string library)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/cc"), "no C compiler to build a stand-in old ONNX Runtime");
        var source = Path.ChangeExtension(library, ".c");
        await File.WriteAllTextAsync(source, """
            #include <stdint.h>
            #include <stddef.h>
            typedef struct { const void* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); } OrtApiBase;
            static const void* get_api(uint32_t version) { return version <= 20 ? (const void*)1 : NULL; }
            static const char* get_version(void) { return "1.20.1"; }
            static const OrtApiBase base = { get_api, get_version };
            const OrtApiBase* OrtGetApiBase(void) { return &base; }
            """, Token);
        using var compiler = Process.Start("/usr/bin/cc", ["-shared", "-fPIC", "-o", library, source])!;
        await compiler.WaitForExitAsync(Token);
        Assert.Equal(0, compiler.ExitCode);
    }
}
