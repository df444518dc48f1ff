namespace EdgeInference.Greengrass.Emulator;

/// <summary>Greengrass component lifecycle states (<c>aws.greengrass#LifecycleState</c>).</summary>
public enum ComponentLifecycleState
{
    /// <summary>Registered, nothing run yet.</summary>
    New,

    /// <summary>The Install step succeeded (or there was none).</summary>
    Installed,

    /// <summary>Startup/Run is being started.</summary>
    Starting,

    /// <summary>Running (set when Run starts, or by the component's UpdateState).</summary>
    Running,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>A step failed, or the component reported ERRORED.</summary>
    Errored,

    /// <summary>The component gave up after errors.</summary>
    Broken,

    /// <summary>Run exited with 0, or the component was stopped.</summary>
    Finished,
}

/// <summary>Who changed a component's state.</summary>
public enum StateChangeSource
{
    /// <summary>The emulator's lifecycle management (recipe runner or a test).</summary>
    Lifecycle,

    /// <summary>The component itself, through the UpdateState IPC operation.</summary>
    UpdateState,
}

/// <summary>One recorded state change.</summary>
/// <param name="ComponentName">The component.</param>
/// <param name="State">The new state.</param>
/// <param name="Source">Who set it.</param>
/// <param name="Timestamp">When (from the emulator's <see cref="TimeProvider"/>).</param>
public sealed record ComponentStateChange(string ComponentName, ComponentLifecycleState State, StateChangeSource Source, DateTimeOffset Timestamp)
{
    /// <summary>Why, when the lifecycle knows (e.g. <c>Run exited with 3</c>); null for plain transitions and UpdateState reports.</summary>
    public string? Reason { get; init; }
}

/// <summary>One IPC operation the emulator served.</summary>
/// <param name="ComponentName">The calling component.</param>
/// <param name="Operation">e.g. <c>aws.greengrass#PublishToTopic</c>.</param>
/// <param name="ErrorCode">Null on success, else the error shape's short name (e.g. <c>UnauthorizedError</c>).</param>
/// <param name="Timestamp">When the call arrived (calls are listed in arrival order).</param>
public sealed record IpcCallRecord(string ComponentName, string Operation, string? ErrorCode, DateTimeOffset Timestamp);

/// <summary>A component known to the emulator and the token it authenticates with.</summary>
/// <param name="Name">The component name.</param>
/// <param name="AuthToken">Its SVCUID.</param>
public sealed record ComponentRegistration(string Name, string AuthToken);
