using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Emulator.Authorization;
using EdgeInference.Greengrass.Emulator.Rpc;
using EdgeInference.Greengrass.Emulator.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Greengrass.Emulator;

/// <summary>
/// An in-process Greengrass nucleus for components under test: the event-stream RPC IPC server on a Unix socket
/// (SVCUID authentication, local pub/sub, IoT Core through a real MQTT broker, component configuration, UpdateState)
/// with the recipe <c>accessControl</c> enforced, plus records and hooks for tests. Thread-safe.
/// </summary>
public sealed partial class NucleusEmulator : IIpcServiceHost, IAsyncDisposable
{
    private const string TokenAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ01234567";
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventStreamOptions _frameOptions;
    private readonly ConfigurationStore _configuration = new();
    private readonly PubSubService _pubSub = new();
    private readonly IoTCoreBridge _ioTCore;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, string> _componentsByToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ComponentRegistration> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ComponentLifecycleState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Json, AccessControl Loaded)> _accessControls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action<ComponentLifecycleState>> _stateReportHandlers = new(StringComparer.Ordinal);
    private readonly List<ComponentStateChange> _stateChanges = [];
    private readonly List<IpcCallRecord> _calls = [];
    private readonly HashSet<ServerConnection> _connections = [];
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Creates an emulator; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <param name="timeProvider">Clock for the records; <see cref="TimeProvider.System"/> by default.</param>
    public NucleusEmulator(NucleusEmulatorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NucleusEmulator>();
        _time = timeProvider ?? TimeProvider.System;
        _frameOptions = new EventStreamOptions { MaxMessageSize = options.MaxMessageSize, FramePool = System.Buffers.ArrayPool<byte>.Shared };
        _ioTCore = new IoTCoreBridge(options, _logger);
    }

    /// <summary>Raised (on the caller's thread) after every state change.</summary>
    public event EventHandler<ComponentStateChange>? StateChanged;

    /// <summary>The settings.</summary>
    public NucleusEmulatorOptions Options { get; }

    /// <summary>The IPC socket path (<c>AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT</c>).</summary>
    public string SocketPath => Options.SocketPath;

    /// <summary>Every state change so far, oldest first.</summary>
    public IReadOnlyList<ComponentStateChange> StateChanges
    {
        get
        {
            lock (_sync)
            {
                return [.. _stateChanges];
            }
        }
    }

    /// <summary>Every operation served so far, oldest first.</summary>
    public IReadOnlyList<IpcCallRecord> Calls
    {
        get
        {
            lock (_sync)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Components with an authenticated connection open now.</summary>
    public IReadOnlyList<string> ConnectedComponents
    {
        get
        {
            lock (_sync)
            {
                return [.. _connections.Select(c => c.ComponentName).OfType<string>().Distinct()];
            }
        }
    }

    /// <summary>Binds the socket (replacing a stale socket file), connects the IoT Core bridge when configured, and starts accepting.</summary>
    /// <exception cref="EmulatorStateException">Already started, or the socket cannot be bound.</exception>
    /// <exception cref="MqttBridgeException">The configured MQTT broker cannot be reached.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new EmulatorStateException("The emulator was already started; create a new one.");
        }

        await _ioTCore.StartAsync(cancellationToken).ConfigureAwait(false);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(SocketPath));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            File.Delete(SocketPath);
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            listener.Listen(64);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            throw new EmulatorStateException($"Cannot listen on the IPC socket '{SocketPath}': {ex.Message}", ex);
        }

        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stopping.Token), CancellationToken.None);
        Log.Listening(_logger, SocketPath);
    }

    /// <summary>Stops listening, drops every connection (subscriptions end), disconnects MQTT and removes the socket file.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        ServerConnection[] connections;
        lock (_sync)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _ioTCore.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // A leftover socket file is replaced on the next start.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Registers a component with a fresh SVCUID and its initial configuration (which holds its <c>accessControl</c>).</summary>
    /// <exception cref="EmulatorStateException">A component with that name exists.</exception>
    public ComponentRegistration AddComponent(string componentName, JsonObject? configuration = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(componentName);
        var registration = new ComponentRegistration(componentName, RandomNumberGenerator.GetString(TokenAlphabet, 16));
        lock (_sync)
        {
            if (!_components.TryAdd(componentName, registration))
            {
                throw new EmulatorStateException($"Component {componentName} is already registered.");
            }

            _componentsByToken[registration.AuthToken] = componentName;
            _configuration.Set(componentName, configuration ?? []);
        }

        SetState(componentName, ComponentLifecycleState.New);
        AccessControlOf(componentName);
        return registration;
    }

    /// <summary>The registration of <paramref name="componentName"/>.</summary>
    /// <exception cref="EmulatorStateException">Unknown component.</exception>
    public ComponentRegistration GetComponent(string componentName)
    {
        lock (_sync)
        {
            return _components.TryGetValue(componentName, out var registration)
                ? registration
                : throw new EmulatorStateException($"Component {componentName} is not registered.");
        }
    }

    /// <summary>A copy of the component's current configuration.</summary>
    /// <exception cref="EmulatorStateException">Unknown component.</exception>
    public JsonObject GetConfiguration(string componentName) =>
        _configuration.Get(componentName) ?? throw new EmulatorStateException($"Component {componentName} is not registered.");

    /// <summary>
    /// Merges <paramref name="merge"/> into the component's configuration, as a deployment's <c>merge</c> does, and sends
    /// SubscribeToConfigurationUpdate events for each changed leaf before returning.
    /// </summary>
    /// <returns>The changed key paths.</returns>
    /// <exception cref="EmulatorStateException">Unknown component.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> UpdateConfigurationAsync(
        string componentName, JsonObject merge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(merge);
        if (!_configuration.Contains(componentName))
        {
            throw new EmulatorStateException($"Component {componentName} is not registered.");
        }

        return await MergeConfigurationAsync(componentName, merge, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The component's current lifecycle state, or null when unknown.</summary>
    public ComponentLifecycleState? GetState(string componentName)
    {
        lock (_sync)
        {
            return _states.TryGetValue(componentName, out var state) ? state : null;
        }
    }

    /// <summary>Sets a component's lifecycle state (as the nucleus's lifecycle manager does).</summary>
    public void SetState(string componentName, ComponentLifecycleState state) => RecordState(componentName, state, StateChangeSource.Lifecycle);

    /// <summary>Sets a component's lifecycle state with the reason (e.g. which step failed and how).</summary>
    public void SetState(string componentName, ComponentLifecycleState state, string? reason) =>
        RecordState(componentName, state, StateChangeSource.Lifecycle, reason);

    /// <summary>Waits until the component is in <paramref name="state"/> (returns at once when it already is).</summary>
    public async Task<ComponentStateChange> WaitForStateAsync(string componentName, ComponentLifecycleState state, CancellationToken cancellationToken = default)
    {
        var reached = new TaskCompletionSource<ComponentStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, ComponentStateChange change)
        {
            if (change.ComponentName == componentName && change.State == state)
            {
                reached.TrySetResult(change);
            }
        }

        StateChanged += OnChanged;
        try
        {
            lock (_sync)
            {
                if (_states.TryGetValue(componentName, out var current) && current == state)
                {
                    return _stateChanges.Last(c => c.ComponentName == componentName);
                }
            }

            return await reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StateChanged -= OnChanged;
        }
    }

    /// <summary>The component a SVCUID belongs to (as the nucleus's AuthenticationHandler finds it), or null.</summary>
    public string? ComponentForToken(string authToken)
    {
        lock (_sync)
        {
            return _componentsByToken.GetValueOrDefault(authToken);
        }
    }

    string? IIpcServiceHost.Authenticate(string authToken)
    {
        lock (_sync)
        {
            return _componentsByToken.GetValueOrDefault(authToken);
        }
    }

    int IIpcServiceHost.RecordCallStarted(string componentName, string operation)
    {
        lock (_sync)
        {
            _calls.Add(new IpcCallRecord(componentName, operation, null, _time.GetUtcNow()));
            return _calls.Count - 1;
        }
    }

    void IIpcServiceHost.RecordCallAnswered(int call, string? errorCode)
    {
        if (errorCode is null)
        {
            return;
        }

        lock (_sync)
        {
            _calls[call] = _calls[call] with { ErrorCode = errorCode };
        }
    }

    internal void RecordState(string componentName, ComponentLifecycleState state, StateChangeSource source, string? reason = null)
    {
        var change = new ComponentStateChange(componentName, state, source, _time.GetUtcNow()) { Reason = reason };
        lock (_sync)
        {
            _states[componentName] = state;
            _stateChanges.Add(change);
        }

        Log.StateChanged(_logger, componentName, state, source, reason ?? string.Empty);
        StateChanged?.Invoke(this, change);
    }

    private async Task<IReadOnlyList<IReadOnlyList<string>>> MergeConfigurationAsync(
        string componentName, JsonObject merge, IReadOnlyList<string>? atKeyPath, CancellationToken cancellationToken)
    {
        var (changed, notifications) = _configuration.Merge(componentName, merge, atKeyPath);
        AccessControlOf(componentName); // the nucleus reloads policies when accessControl changes
        foreach (var notify in notifications)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await notify().ConfigureAwait(false);
        }

        return changed;
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.AcceptFailed(_logger, ex);
                continue;
            }

            var connection = new ServerConnection(socket, this, _frameOptions, _logger, cancellationToken);
            lock (_sync)
            {
                _connections.Add(connection);
            }

            _ = Task.Run(
                async () =>
                {
                    await connection.RunAsync().ConfigureAwait(false);
                    lock (_sync)
                    {
                        _connections.Remove(connection);
                    }
                },
                CancellationToken.None);
        }
    }
}
