namespace EdgeInference.Greengrass.Emulator.Rpc;

/// <summary>Operation names of the <c>aws.greengrass#GreengrassCoreIPC</c> service model (smithy-iot-device-sdk-greengrass-ipc).</summary>
internal static class GreengrassServiceModel
{
    public const string Prefix = "aws.greengrass#";

    /// <summary>Every operation in the model; the ones the emulator does not implement answer ServiceError like the nucleus's default handler.</summary>
    public static readonly IReadOnlySet<string> Operations = new HashSet<string>(
        new[]
        {
            "AuthorizeClientDeviceAction", "CancelLocalDeployment", "CreateDebugPassword", "CreateLocalDeployment",
            "DeferComponentUpdate", "DeleteThingShadow", "GetClientDeviceAuthToken", "GetComponentDetails", "GetConfiguration",
            "GetLocalDeploymentStatus", "GetSecretValue", "GetThingShadow", "ListComponents", "ListLocalDeployments",
            "ListNamedShadowsForThing", "PauseComponent", "PublishToIoTCore", "PublishToTopic", "PutComponentMetric",
            "RestartComponent", "ResumeComponent", "SendConfigurationValidityReport", "StopComponent", "SubscribeToCertificateUpdates",
            "SubscribeToComponentUpdates", "SubscribeToConfigurationUpdate", "SubscribeToIoTCore", "SubscribeToTopic",
            "SubscribeToValidateConfigurationUpdates", "UpdateConfiguration", "UpdateState", "UpdateThingShadow",
            "ValidateAuthorizationToken", "VerifyClientDeviceIdentity",
        }.Select(name => Prefix + name),
        StringComparer.Ordinal);
}
