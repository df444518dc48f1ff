using System.Diagnostics;

namespace EdgeInference.Testing;

/// <summary>
/// The self-contained linux-arm64 worker, published once (tests/run.sh publishes it to <c>out/arm64-worker</c> after the
/// build; a test run without it publishes it here) and run under qemu's user-mode emulation with Debian's multiarch
/// arm64 libraries.
/// </summary>
public sealed class Arm64Worker : IAsyncDisposable
{
    public const string Emulator = "/usr/bin/qemu-aarch64-static";
    private const string ArmLoader = "/lib/ld-linux-aarch64.so.1";

    private readonly CapturedProcess _run;

    private Arm64Worker(CapturedProcess run)
    {
        _run = run;
    }

    public static string PublishDirectory => Path.Combine(RepoPaths.Root, "out", "arm64-worker");

    public static string Executable => Path.Combine(PublishDirectory, "EdgeInference.Worker");

    /// <summary>Why the emulated worker cannot run here (tests/run.sh installs what is missing), or null.</summary>
    public static string? MissingPrerequisite =>
        !OperatingSystem.IsLinux() ? "user-mode emulation needs Linux"
        : !File.Exists(Emulator) ? $"{Emulator} is missing (apt-get install qemu-user-static)"
        : !File.Exists(ArmLoader) ? $"{ArmLoader} is missing (dpkg --add-architecture arm64; apt-get install libc6:arm64 ...; see tests/run.sh)"
        : null;

    public string Output => _run.Output;

    /// <summary>Publishes the worker for linux-arm64 when no publish is there yet (tests/run.sh has normally made it).</summary>
    public static async Task EnsurePublishedAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Executable))
        {
            return;
        }

        var publish = await ExternalTool.RunAsync("dotnet", PublishArguments, cancellationToken, timeout: TimeSpan.FromMinutes(10));
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', PublishArguments)} failed: {publish.Stdout}{publish.Stderr}");
        }
    }

    /// <summary>The publish tests/run.sh runs too.</summary>
    public static IReadOnlyList<string> PublishArguments =>
        ["publish", Path.Combine(RepoPaths.Root, "src", "EdgeInference.Worker"), "-c", "Release", "-r", "linux-arm64", "--self-contained", "-o", PublishDirectory, "-nologo"];

    /// <summary>Starts the arm64 worker under qemu with the given configuration arguments.</summary>
    public static Arm64Worker Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(Emulator)
        {
            WorkingDirectory = PublishDirectory,
        };
        info.ArgumentList.Add(Executable);
        info.ArgumentList.Add("--Model:OptimizedModelCache=off");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The JIT's write-xor-execute double mapping does not work under qemu-user.
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        info.Environment.Remove("AWS_IOT_THING_NAME");
        info.Environment.Remove("SVCUID");
        return new Arm64Worker(new CapturedProcess(info, "qemu"));
    }

    public ValueTask DisposeAsync() => _run.DisposeAsync();
}
