using EdgeInference.Greengrass.Ipc;
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
    /// <summary>
    /// Registers the worker. Hosted services start in this order — embedded broker (MQTT only), model loader, heads (MQTT, Greengrass IPC; only the selected one serves),
    /// readiness — and stop in reverse, which gives: STOPPING, intake stopped, queue drained, disconnect, broker down.
    /// </summary>
    public static IServiceCollection AddEdgeInferenceWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().Bind(configuration).ValidateOnStart();
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName)).ValidateOnStart();
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.SectionName)).ValidateOnStart();
        services.AddOptions<TopicOptions>().Bind(configuration.GetSection(TopicOptions.SectionName)).ValidateOnStart();
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<IpcOptions>().Bind(configuration.GetSection(IpcOptions.SectionName)).ValidateOnStart();
        services.AddOptions<GreengrassIpcOptions>().Bind(configuration.GetSection(GreengrassIpcOptions.SectionName));
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddSingleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddSingleton<IValidateOptions<TopicOptions>, TopicOptionsValidator>();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        services.AddSingleton<IValidateOptions<IpcOptions>, IpcOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PackagingDescriptionSource(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<TransportSelection>();
        services.AddSingleton<WorkerState>();
        services.AddSingleton<ModelHost>();
        services.AddSingleton<ModelReloader>();
        services.AddSingleton<RequestQueue>();
        services.AddSingleton<InferenceService>();
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton<DescribeService>();

        services.AddHostedService<EmbeddedBrokerService>();
        services.AddHostedService<ModelLoaderService>();
        services.AddHostedService<MqttHead>();
        services.AddHostedService<IpcHead>();
        services.AddHostedService<ReadinessReporter>();
        return services;
    }
}
