using System.Globalization;

namespace Orleans.GvmRaft.Policy.Tasks;

/// <summary>
/// The embedded default's task: sums and differences whose difficulty grows with the number of
/// digits and of operations, from <c>7+5=</c> (difficulty 1) to <c>482-90+6=</c> (difficulty 6).
/// A small decoder learns the easy ones quickly and the hard ones slowly, so acceptance rates
/// spread over (0, 1) — the setting where spending samples unevenly can pay.
/// </summary>
public static class ArithmeticTask
{
    /// <summary>Characters the problems and answers use; the preset's tokenizer covers them.</summary>
    public const string Alphabet = "0123456789+-=";

    /// <summary><paramref name="count"/> problems with difficulties spread evenly from 1 to <paramref name="maxDifficulty"/>.</summary>
    public static List<ArithmeticProblem> Generate(int count, int seed, string idPrefix, int maxDifficulty = 6)
    {
        var random = new Random(seed);
        var problems = new List<ArithmeticProblem>(count);
        for (int i = 0; i < count; i++)
        {
            int difficulty = 1 + (i % maxDifficulty);
            problems.Add(Create($"{idPrefix}-{i:D5}", difficulty, random));
        }

        return problems;
    }

    /// <summary>
    /// A problem of the given difficulty, as digits of each number in order: 1: 1±1, 2: 2±1,
    /// 3: 2±2, 4: 1±1±1, 5: 2±2±1, 6: 3±2±1.
    /// </summary>
    public static ArithmeticProblem Create(string id, int difficulty, Random random)
    {
        int[] digits = difficulty switch
        {
            1 => [1, 1],
            2 => [2, 1],
            3 => [2, 2],
            4 => [1, 1, 1],
            5 => [2, 2, 1],
            6 => [3, 2, 1],
            _ => throw new ArgumentOutOfRangeException(nameof(difficulty), difficulty, "difficulty must be between 1 and 6."),
        };
        long value = Number(digits[0], random);
        string text = value.ToString(CultureInfo.InvariantCulture);
        foreach (int width in digits.Skip(1))
        {
            long operand = Number(width, random);
            bool add = random.Next(2) == 0 || operand > value;
            value = add ? value + operand : value - operand;
            text += (add ? "+" : "-") + operand.ToString(CultureInfo.InvariantCulture);
        }

        return new ArithmeticProblem(id, text + "=", value.ToString(CultureInfo.InvariantCulture), difficulty);
    }

    private static long Number(int digits, Random random)
    {
        long low = digits == 1 ? 0 : (long)Math.Pow(10, digits - 1);
        return random.NextInt64(low, (long)Math.Pow(10, digits));
    }
}
