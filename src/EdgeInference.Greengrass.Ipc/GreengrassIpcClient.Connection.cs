using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Rpc;
using Polly;
using Polly.Retry;

namespace EdgeInference.Greengrass.Ipc;

public sealed partial class GreengrassIpcClient
{
    private Exception? _permanentFailure;

    private async Task<RpcConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposing.Token);
        try
        {
            var channel = await _channelFactory.ConnectAsync(linked.Token).ConfigureAwait(false);
            var connection = await RpcConnection.OpenAsync(channel, _options.AuthToken!, _frameOptions, _logger, linked.Token).ConfigureAwait(false);
            Log.Connected(_logger, _options.SocketPath ?? "(custom channel)");
            return connection;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_disposing.IsCancellationRequested)
        {
            throw IpcErrorFactory.Timeout("Connecting to the Greengrass nucleus", _options.ConnectTimeout);
        }
    }

    private void Install(RpcConnection connection)
    {
        lock (_sync)
        {
            _connection = connection;
            _connected.TrySetResult(connection);
        }
    }

    private Task<RpcConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_connection is { IsOpen: true } open)
            {
                return Task.FromResult(open);
            }

            if (_disposing.IsCancellationRequested)
            {
                throw IpcErrorFactory.ClosedByClient();
            }

            if (_permanentFailure is not null)
            {
                throw new IpcConnectionClosedException($"The IPC connection is closed and AutoReconnect is off: {_permanentFailure.Message}", _permanentFailure);
            }

            if (!_started)
            {
                throw IpcErrorFactory.NotConnected();
            }

            if (_connected.Task.IsCompletedSuccessfully && !_connected.Task.Result.IsOpen)
            {
                _connected = NewConnectedSource();
            }

            // Reconnecting: wait for the next connection, bounded by the call's timeout.
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task SuperviseAsync(RpcConnection connection)
    {
        while (true)
        {
            var reason = await connection.Closed.ConfigureAwait(false);
            lock (_sync)
            {
                if (ReferenceEquals(_connection, connection))
                {
                    _connection = null;
                }

                if (_connected.Task.IsCompleted)
                {
                    _connected = NewConnectedSource();
                }
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            if (_disposing.IsCancellationRequested)
            {
                return;
            }

            Log.ConnectionLost(_logger, reason.Message);
            if (!_options.AutoReconnect)
            {
                FailPermanently(reason);
                return;
            }

            var next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            connection = next;
        }
    }

    /// <summary>
    /// Reconnects with the client's resilience policy (Polly: exponential backoff from ReconnectMinDelay, capped at
    /// ReconnectMaxDelay, with jitter so many components do not reconnect in lock-step), then resubscribes everything.
    /// Null when the client is disposed meanwhile.
    /// </summary>
    private async Task<RpcConnection?> ReconnectAsync()
    {
        var pipeline = new ResiliencePipelineBuilder<RpcConnection> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<RpcConnection>
            {
                MaxRetryAttempts = int.MaxValue,
                Delay = _options.ReconnectMinDelay,
                MaxDelay = _options.ReconnectMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<RpcConnection>().Handle<GreengrassIpcException>(),
                OnRetry = args =>
                {
                    Log.ReconnectFailed(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        RpcConnection connection;
        try
        {
            await Task.Delay(_options.ReconnectMinDelay, _time, _disposing.Token).ConfigureAwait(false);
            connection = await pipeline.ExecuteAsync(async token => await OpenConnectionAsync(token).ConfigureAwait(false), _disposing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            return null;
        }

        ISubscription[] subscriptions;
        lock (_sync)
        {
            // Snapshot and install atomically: subscriptions made on the new connection are not resubscribed twice.
            subscriptions = [.. _subscriptions];
            _connection = connection;
            _connected.TrySetResult(connection);
        }

        Log.Reconnected(_logger, subscriptions.Length);
        await ResubscribeAsync(connection, subscriptions).ConfigureAwait(false);
        return connection;
    }

    private async Task ResubscribeAsync(RpcConnection connection, ISubscription[] subscriptions)
    {
        foreach (var subscription in subscriptions)
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _disposing.Token);
            try
            {
                await subscription.ResubscribeAsync(connection, linked.Token).ConfigureAwait(false);
            }
            catch (IpcTransportException) when (!connection.IsOpen)
            {
                // Dropped again: the supervisor resubscribes everything after the next reconnect.
                return;
            }
            catch (Exception ex) when (ex is GreengrassIpcException or OperationCanceledException)
            {
                var failure = ex is OperationCanceledException ? IpcErrorFactory.Timeout("Resubscribing " + subscription.Operation, _options.RequestTimeout) : ex;
                lock (_sync)
                {
                    _subscriptions.Remove(subscription);
                }

                Log.ResubscribeFailed(_logger, subscription.Operation, failure);
                subscription.Fail(failure);
            }
        }
    }

    private void FailPermanently(Exception reason)
    {
        ISubscription[] subscriptions;
        lock (_sync)
        {
            _permanentFailure = reason;
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
            if (_connected.TrySetException(reason))
            {
                _ = _connected.Task.Exception; // observed here; waiters still receive it
            }
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Fail(reason);
        }
    }

    private abstract class SubscriptionHandleBase<TEvent>(IpcSubscription<TEvent> subscription) : ISubscription
        where TEvent : class
    {
        public IpcSubscription<TEvent> Subscription { get; } = subscription;

        public string Operation => Subscription.Operation;

        public abstract Task ResubscribeAsync(RpcConnection connection, CancellationToken cancellationToken);

        public void Fail(Exception reason) => Subscription.Fail(reason);
    }

    private sealed class SubscriptionHandle<TRequest, TResponse, TEvent>(
        IpcOperation<TRequest, TResponse> operation, IpcSubscription<TEvent> subscription)
        : SubscriptionHandleBase<TEvent>(subscription)
        where TEvent : class
    {
        public override async Task ResubscribeAsync(RpcConnection connection, CancellationToken cancellationToken)
        {
            var stream = await connection.StartStreamAsync(operation.Name, Subscription.RequestPayload, Subscription, cancellationToken).ConfigureAwait(false);
            Subscription.Bind(connection, stream.Id);
            try
            {
                var response = await stream.Response.WaitAsync(cancellationToken).ConfigureAwait(false);
                ParseResponse(operation, response);
            }
            catch
            {
                await connection.CloseStreamAsync(stream.Id).ConfigureAwait(false);
                throw;
            }
        }
    }
}
