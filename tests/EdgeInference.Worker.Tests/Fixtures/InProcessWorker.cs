using EdgeInference.Testing;
using EdgeInference.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Tests.Fixtures;

/// <summary>The worker's real host, in this process, configured from a dictionary.</summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private InProcessWorker(IHost host, int port)
    {
        _host = host;
        Port = port;
    }

    public int Port { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts on the embedded broker (free port) unless <c>Mqtt:Host</c>/<c>Mqtt:Port</c> are given. A port taken between
    /// being picked and being bound fails the start with the broker's "already in use" error: then it starts again on another.
    /// </summary>
    /// <param name="addSources">Extra configuration sources between the test defaults and <paramref name="settings"/> (e.g. the Greengrass provider).</param>
    /// <param name="configureServices">Replaces services after the worker's own registrations (e.g. a fake engine loader).</param>
    public static async Task<InProcessWorker> StartAsync(
        IDictionary<string, string?> settings, CancellationToken cancellationToken = default, Action<IConfigurationBuilder>? addSources = null, Action<IServiceCollection>? configureServices = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(settings, cancellationToken, addSources, configureServices);
            }
            catch (EdgeInference.Worker.Heads.Mqtt.EmbeddedBrokerException) when (attempt < 5 && !settings.ContainsKey("Mqtt:Port"))
            {
            }
        }
    }

    private static async Task<InProcessWorker> StartOnceAsync(
        IDictionary<string, string?> settings, CancellationToken cancellationToken, Action<IConfigurationBuilder>? addSources, Action<IServiceCollection>? configureServices)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Model:Path"] = TestModels.ColorClassifier,
            ["Model:Accelerator"] = "cpu",
            ["Model:IntraOpThreads"] = "1",
            ["Mqtt:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ThingName"] = "test",
            ["Model:OptimizedModelCache"] = "off",
            ["Metrics:IntervalSeconds"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        if (addSources is null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }
        else
        {
            builder.Configuration.AddInMemoryCollection(configuration.Where(c => !settings.ContainsKey(c.Key)));
            addSources(builder.Configuration);
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddEdgeInferenceWorker(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new InProcessWorker(host, int.Parse(configuration["Mqtt:Port"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
