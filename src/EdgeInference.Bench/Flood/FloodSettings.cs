namespace EdgeInference.Bench.Flood;

/// <summary>What <c>bench flood</c> does to a worker it spawns (see <see cref="FloodBenchmark"/>).</summary>
public sealed record FloodSettings
{
    /// <summary>The worker executable (default: the repository's Release build).</summary>
    public string? WorkerPath { get; init; }

    /// <summary>Model package for the worker (default: its bundled sample).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Extra --Key=value arguments of the worker (limits, GC settings through DOTNET_ variables are the environment's).</summary>
    public IReadOnlyList<string> WorkerArguments { get; init; } = [];

    /// <summary>The image every flood request carries; null = a synthetic noisy 1280×960 JPEG (q90, about 410 KB).</summary>
    public byte[]? Image { get; init; }

    /// <summary>Flooding clients, each its own MQTT connection.</summary>
    public int Clients { get; init; } = 50;

    /// <summary>Requests each client keeps in flight (each sends the next as soon as a reply — result or Busy — arrives).</summary>
    public int InFlightPerClient { get; init; } = 2;

    /// <summary>Length of the flood.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Length of the one-client phase whose resident memory is the steady state.</summary>
    public TimeSpan SteadyDuration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Sizes of the oversized payloads, in MiB (each over the worker's Limits:MaxPayloadBytes).</summary>
    public IReadOnlyList<int> OversizedMegabytes { get; init; } = [9, 64, 255];

    /// <summary>Send the hostile inputs after the flood.</summary>
    public bool Hostile { get; init; } = true;

    /// <summary>How long to wait for the broker and for each reply.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Target: resident memory under flood (and hostile input) at most this many times the steady state.</summary>
    public double TargetRatio { get; init; } = 1.5;

    /// <summary>Where progress lines go (stderr in the CLI).</summary>
    public TextWriter Progress { get; init; } = TextWriter.Null;
}
