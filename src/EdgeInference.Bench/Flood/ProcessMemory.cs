using System.Globalization;

namespace EdgeInference.Bench.Flood;

/// <summary>A process's resident memory from <c>/proc/&lt;pid&gt;/status</c> (Linux): VmRSS now, VmHWM its peak over its life.</summary>
public static class ProcessMemory
{
    public static (long RssBytes, long HighWaterBytes) Read(int processId)
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line) * 1024;
            }
        }

        return (rss, hwm);
    }

    /// <summary>Parses "VmRSS:   123456 kB".</summary>
    public static long Kilobytes(string statusLine)
    {
        ArgumentNullException.ThrowIfNull(statusLine);
        var value = statusLine[(statusLine.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.Parse(value, CultureInfo.InvariantCulture);
    }
}

/// <summary>Samples a process's VmRSS every <c>interval</c> until disposed; keeps the peak and every sample.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<long> _samples = [];
    private long _peak;

    public RssSampler(int processId, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            // Bounded by the owner's Dispose; each iteration is one small /proc read.
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var (rss, _) = ProcessMemory.Read(processId);
                    lock (_samples)
                    {
                        _samples.Add(rss);
                        _peak = Math.Max(_peak, rss);
                    }

                    await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (IOException)
                {
                    break; // the process is gone
                }
            }
        });
    }

    public long PeakBytes
    {
        get
        {
            lock (_samples)
            {
                return _peak;
            }
        }
    }

    /// <summary>The median of the samples after the first <paramref name="skipFraction"/> of them (the settled part of a phase).</summary>
    public long MedianBytes(double skipFraction = 0.5)
    {
        lock (_samples)
        {
            var settled = _samples.Skip((int)(_samples.Count * skipFraction)).Order().ToArray();
            return settled.Length == 0 ? 0 : settled[settled.Length / 2];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
