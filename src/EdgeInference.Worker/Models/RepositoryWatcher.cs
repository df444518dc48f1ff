using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Models;

/// <summary>
/// Calls back when the model repository may have changed: on file-system notifications for registration files, and
/// every <c>Models:RescanSeconds</c> besides (notifications can be lost, e.g. on network file systems).
/// </summary>
internal sealed class RepositoryWatcher : IDisposable
{
    private readonly string _folder;
    private readonly TimeSpan _rescan;
    private readonly Action _changed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private FileSystemWatcher? _watcher;
    private ITimer? _timer;

    public RepositoryWatcher(string folder, TimeSpan rescan, Action changed, TimeProvider time, ILogger logger)
    {
        _folder = folder;
        _rescan = rescan;
        _changed = changed;
        _time = time;
        _logger = logger;
    }

    public void Start()
    {
        Directory.CreateDirectory(_folder);
        try
        {
            _watcher = new FileSystemWatcher(_folder, "*" + Repository.ModelRepository.RegistrationSuffix)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                IncludeSubdirectories = false,
            };
            _watcher.Created += OnChanged;
            _watcher.Changed += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.Error += (_, e) => WorkerLog.RepositoryWatchFailed(_logger, _folder, e.GetException().Message);
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Rescanning alone still finds every change, only later.
            WorkerLog.RepositoryWatchFailed(_logger, _folder, ex.Message);
        }

        _timer = _time.CreateTimer(_ => _changed(), null, _rescan, _rescan);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _timer?.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => _changed();
}
