using EdgeInference.Client;

namespace EdgeInference.Bench;

/// <summary>What one bench run measures and against which worker.</summary>
public sealed record BenchSettings
{
    /// <summary>The worker's broker and topics (replaced by the spawned worker's with <see cref="SpawnWorker"/>).</summary>
    public required WorkerConnection Connection { get; init; }

    /// <summary>How long to wait for the broker and for each reply.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The image every request carries; null = a synthetic photo-like 1280×960 JPEG (q90).</summary>
    public byte[]? Image { get; init; }

    /// <summary>Concurrent closed-loop clients of the loaded phase.</summary>
    public int Clients { get; init; } = 4;

    /// <summary>Length of each measured phase, split over <see cref="Rounds"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cap on requests (or runs) per phase.</summary>
    public int MaxRequests { get; init; } = 100_000;

    /// <summary>Start a worker on the embedded broker at a free port (measures cold start and RSS).</summary>
    public bool SpawnWorker { get; init; }

    /// <summary>The worker executable to spawn (default: the repository's Release build).</summary>
    public string? WorkerPath { get; init; }

    /// <summary>Model package for the spawned worker and the raw baseline (default: the worker's own, from describe).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Model:IntraOpThreads for the spawned worker.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Extra --Key=value arguments of the spawned worker.</summary>
    public IReadOnlyList<string> WorkerArguments { get; init; } = [];

    /// <summary>Also spawn the worker under an in-process nucleus emulator and compare per-request IPC and MQTT overhead.</summary>
    public bool CompareIpc { get; init; }

    /// <summary>
    /// Also start mosquitto and a third worker on it, and measure per-request overhead through that broker: the MQTT
    /// path with the same hops as IPC (client → broker → worker and back). Needs <see cref="CompareIpc"/>.
    /// </summary>
    public bool CompareExternalBroker { get; init; }

    /// <summary>Raw and end-to-end phases alternate this many times.</summary>
    public int Rounds { get; init; } = 4;

    /// <summary>Where progress lines go (phase and round as each starts); the CLI passes stderr, so stdout stays the report.</summary>
    public TextWriter Progress { get; init; } = TextWriter.Null;
}
