namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>
/// The variables the nucleus sets for a component's scripts (ShellRunner, IPCEventStreamService, DeviceConfiguration,
/// Kernel; greengrass-ipc.md §1.1), on top of the emulator's own environment, which the scripts inherit as the
/// nucleus's do. <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> is there once the token exchange service runs (its global
/// <c>setenv</c>).
/// </summary>
public static class ComponentEnvironment
{
    /// <summary>Builds the variables for one component.</summary>
    /// <param name="emulator">The nucleus (socket, thing name, region, versions).</param>
    /// <param name="authToken">The component's SVCUID.</param>
    /// <param name="credentialsUri">The token exchange service's URI, when it runs.</param>
    public static Dictionary<string, string> For(NucleusEmulator emulator, string authToken, Uri? credentialsUri = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var options = emulator.Options;
        var socketPath = Path.GetFullPath(emulator.SocketPath);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SVCUID"] = authToken,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = authToken,
            ["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"] = socketPath,
            ["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH"] = socketPath,
            ["AWS_IOT_THING_NAME"] = options.ThingName,
            ["AWS_REGION"] = options.Region,
            ["AWS_DEFAULT_REGION"] = options.Region,
            ["GG_ROOT_CA_PATH"] = options.RootCaPath,
            ["GGC_VERSION"] = options.NucleusVersion,
            ["AWS_GG_FIPS_MODE"] = "false",
            ["AWS_USE_FIPS_ENDPOINT"] = "false",
        };
        if (credentialsUri is not null)
        {
            environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = credentialsUri.ToString();
        }

        return environment;
    }
}
