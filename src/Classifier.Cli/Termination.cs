using System.Runtime.InteropServices;
using Classifier.Core;
using Classifier.Core.IO;

namespace Classifier.Cli;

/// <summary>
/// SIGTERM (what <c>docker stop</c>, systemd and <c>timeout</c> send) handled like Ctrl-C: the run is
/// cancelled so it unwinds and deletes its temporary output, and the process exits 143 (130 for Ctrl-C).
/// Work that cannot be cancelled (an ML.NET fit) is not waited for beyond a grace period: the
/// temporary files in flight are deleted (never during a commit) and the process exits.
/// </summary>
internal sealed class Termination : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly TimeSpan _grace;
    private readonly TextWriter _stderr;
    private readonly PosixSignalRegistration[] _registrations;
    private int _exitCode;

    private Termination(CancellationTokenSource cancel, TimeSpan grace, TextWriter stderr)
    {
        _cancel = cancel;
        _grace = grace;
        _stderr = stderr;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, e => OnSignal(e, ExitCodes.Terminated)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, e => OnSignal(e, ExitCodes.Cancelled)),
        ];
    }

    /// <summary>The exit code the signal asks for (143 or 130), or 0 while none has arrived.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Cancelled when SIGTERM or SIGINT arrives.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>
    /// Installs the handlers. <paramref name="grace"/>: how long the cancelled run may take to unwind
    /// before temporary files are removed and the process exits anyway (zero for work that never checks).
    /// </summary>
    public static Termination Install(TimeSpan grace, TextWriter stderr) => new(new CancellationTokenSource(), grace, stderr);

    /// <summary>The code to exit with: the signal's when one arrived, else the run's own.</summary>
    public int Exit(int code) => ExitCode != 0 && code != ExitCodes.Success ? ExitCode : code;

    private void OnSignal(PosixSignalContext context, int code)
    {
        if (Interlocked.CompareExchange(ref _exitCode, code, 0) != 0)
        {
            // A second signal: stop now, still without leaving temporary files.
            context.Cancel = true;
            Stop(code);
            return;
        }
        context.Cancel = true;
        _cancel.Cancel();
        _ = Task.Run(async () =>
        {
            await Task.Delay(_grace);
            Stop(code);
        });
    }

    private void Stop(int code)
    {
        AtomicFile.AbandonAll();
        try
        {
            _stderr.WriteLine(code == ExitCodes.Terminated ? "terminated: no output written." : "cancelled: no output written.");
            _stderr.Flush();
        }
        catch (IOException)
        {
        }
        Environment.Exit(code);
    }

    /// <summary>Removes the handlers.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
