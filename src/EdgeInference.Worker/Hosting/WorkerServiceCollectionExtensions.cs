using EdgeInference.Core.Inference;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Onnx;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Heads;
using EdgeInference.Worker.Heads.Ipc;
using EdgeInference.Worker.Heads.Mqtt;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Hosting;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>The configuration sections the worker reads (a section one or two edits away from these is refused as a typo).</summary>
    public static readonly IReadOnlyList<string> Sections =
    [
        ModelOptions.SectionName, ModelsOptions.SectionName, MqttOptions.SectionName, TopicOptions.SectionName, LimitsOptions.SectionName,
        IpcOptions.SectionName, GreengrassOptions.SectionName, GreengrassIpcOptions.SectionName, PackagingDescriptionOptions.SectionName,
        MetricsOptions.SectionName, "Logging", "ThingName", "Transport",
    ];

    /// <summary>
    /// Registers the worker with only the selected head. Hosted services start in this order — embedded broker (MQTT with no
    /// Mqtt:Host only), model loader, head, readiness — and stop in reverse, which gives: STOPPING, intake stopped, queue
    /// drained, disconnect, broker down.
    /// </summary>
    /// <exception cref="OptionsValidationException">A root key (Transport, ThingName) is invalid.</exception>
    public static IServiceCollection AddEdgeInferenceWorker(this IServiceCollection services, IConfiguration configuration)
    {
        AddSection<ModelOptions, ModelOptionsValidator>(services, configuration, ModelOptions.SectionName, reloadable: true);
        AddSection<ModelsOptions, ModelsOptionsValidator>(services, configuration, ModelsOptions.SectionName);
        AddSection<MqttOptions, MqttOptionsValidator>(services, configuration, MqttOptions.SectionName);
        AddSection<TopicOptions, TopicOptionsValidator>(services, configuration, TopicOptions.SectionName);
        AddSection<LimitsOptions, LimitsOptionsValidator>(services, configuration, LimitsOptions.SectionName);
        AddSection<IpcOptions, NoValidation<IpcOptions>>(services, configuration, IpcOptions.SectionName);
        AddSection<GreengrassOptions, GreengrassOptionsValidator>(services, configuration, GreengrassOptions.SectionName);
        AddSection<MetricsOptions, MetricsOptionsValidator>(services, configuration, MetricsOptions.SectionName);
        services.AddOptions<WorkerOptions>().Configure(o => StrictBinder.BindRootKeys(configuration, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>>(new WorkerOptionsValidator(configuration, Sections));
        services.AddOptions<GreengrassIpcOptions>().Bind(configuration.GetSection(GreengrassIpcOptions.SectionName));
        services.AddOptions<PackagingDescriptionOptions>().ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<PackagingDescriptionOptions>>(new ConfigurationChangeTokenSource<PackagingDescriptionOptions>(configuration));
        services.AddSingleton<IOptionsFactory<PackagingDescriptionOptions>, PackagingDescriptionOptionsFactory>(_ => new PackagingDescriptionOptionsFactory(configuration));

        var transport = WorkerTransport.Resolve(
            StrictBinder.BindRootKeys(configuration, new WorkerOptions()).Transport,
            configuration.GetSection(GreengrassIpcOptions.SectionName).Get<GreengrassIpcOptions>() ?? new GreengrassIpcOptions());
        services.AddSingleton(transport);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WorkerState>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<IInferenceEngineLoader, OnnxEngineLoader>();
        services.AddSingleton<AccountResolver>();
        services.AddSingleton<ModelManager>();
        services.AddSingleton<RequestQueue>();
        services.AddSingleton<RunLanes>();
        services.AddSingleton<Metrics.WorkerMetrics>();
        services.AddSingleton<InferenceService>();
        services.AddSingleton<DescribeService>();
        services.AddSingleton<RequestDispatcher>();

        if (transport.GreengrassEnvironment)
        {
            services.AddSingleton<GreengrassConnection>();
            services.AddSingleton<IComponentSettingsSource, GreengrassComponentSettings>();
        }
        else
        {
            services.AddSingleton<IComponentSettingsSource, NoComponentSettings>();
        }

        if (transport.UsesMqtt && string.IsNullOrWhiteSpace(configuration[$"{MqttOptions.SectionName}:{nameof(MqttOptions.Host)}"]))
        {
            services.AddSingleton<EmbeddedBrokerAccess>();
            services.AddSingleton<EmbeddedBrokerIntake>();
            services.AddHostedService<EmbeddedBrokerService>();
        }

        services.AddHostedService<ModelLoaderService>();
        if (transport.UsesIpc)
        {
            if (!transport.GreengrassEnvironment)
            {
                throw new IpcHeadException(
                    $"Transport=ipc needs the Greengrass IPC socket and token: {GreengrassIpcOptions.SocketPathVariable} and {GreengrassIpcOptions.AuthTokenVariable} " +
                    $"are not set (the nucleus sets them; or set {GreengrassIpcOptions.SectionName}:SocketPath and {GreengrassIpcOptions.SectionName}:AuthToken). Use Transport=mqtt outside Greengrass.");
            }

            services.AddSingleton<IRequestHead, IpcHead>();
        }
        else
        {
            services.AddSingleton<IRequestHead, MqttHead>();
        }

        services.AddHostedService<HeadService>();
        services.AddHostedService<ReadinessReporter>();
        services.AddHostedService<Metrics.MetricsPublisher>();
        if (transport.GreengrassEnvironment && (configuration as IConfigurationRoot)?.Providers.OfType<GreengrassConfigurationProvider>().LastOrDefault() is { } provider)
        {
            services.AddSingleton(provider);
            services.AddHostedService<OwnConfigurationWatcher>();
        }

        return services;
    }

    /// <summary>One options class per section: bound strictly, validated at startup, optionally followed on reload.</summary>
    private static void AddSection<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string sectionName, bool reloadable = false)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        var section = configuration.GetSection(sectionName);
        services.AddOptions<TOptions>().Configure(o => StrictBinder.Bind(section, sectionName, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        if (reloadable)
        {
            services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(section));
        }
    }

    private sealed class NoValidation<T> : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) => ValidateOptionsResult.Skip;
    }

    /// <summary>Builds the packaging description from configuration each time the options system asks (start and reloads).</summary>
    private sealed class PackagingDescriptionOptionsFactory(IConfiguration configuration) : IOptionsFactory<PackagingDescriptionOptions>
    {
        public PackagingDescriptionOptions Create(string name) => PackagingDescriptionOptions.From(configuration);
    }
}
