using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// Makes every SQLite connection this process opens wait for a busy write lock inside SQLite
/// (sqlite3_busy_timeout) instead of failing at once. Microsoft.Data.Sqlite answers an immediate
/// SQLITE_BUSY by sleeping 150 ms before it retries, so two grains writing at the same moment cost
/// the loser 150 ms; SQLite's own busy handler retries within a few milliseconds. It is installed
/// as an auto-extension (sqlite3_auto_extension, SQLite's hook that runs for each new connection),
/// so it also covers the connections the Orleans ADO.NET providers open.
/// </summary>
public static unsafe class SqliteBusyTimeout
{
    /// <summary>How long a writer waits for the lock before SQLite reports it busy.</summary>
    public const int Milliseconds = 10_000;

    private const string Library = "e_sqlite3";
    private static int _installed;

    /// <summary>Installs the hook once per process; connections opened before keep their setting.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        // Loads the same native library Microsoft.Data.Sqlite uses, first.
        SQLitePCL.Batteries_V2.Init();
        int rc = sqlite3_auto_extension((IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, int>)&OnOpen);
        if (rc != 0)
        {
            throw new InvalidOperationException($"SQLite refused the busy-timeout hook (error {rc}).");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnOpen(IntPtr db, IntPtr errorMessage, IntPtr api) => sqlite3_busy_timeout(db, Milliseconds);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_auto_extension(IntPtr entryPoint);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_timeout(IntPtr db, int milliseconds);
}
