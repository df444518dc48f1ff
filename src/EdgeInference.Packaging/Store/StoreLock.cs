namespace EdgeInference.Packaging.Store;

/// <summary>
/// An exclusive lock on the store shared with other processes: a lock file opened with <see cref="FileShare.None"/>
/// (flock on Linux), retried until <see cref="DefaultTimeout"/>.
/// </summary>
public sealed class StoreLock : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(25);

    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    public static async Task<StoreLock> AcquireAsync(string lockPath, TimeProvider timeProvider, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockPath))!);
        var started = timeProvider.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new StoreLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (timeProvider.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(RetryInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new PackagingStoreException($"The store lock {lockPath} is held by another process (waited {timeout.TotalSeconds:0} s).", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
