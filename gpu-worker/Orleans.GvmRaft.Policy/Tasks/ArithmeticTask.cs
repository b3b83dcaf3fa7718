using System.Globalization;

namespace Orleans.GvmRaft.Policy.Tasks;

/// <summary>
/// The embedded default's task: sums and differences whose difficulty grows with the number of
/// digits and of operations, from <c>7+5=</c> (difficulty 1) to <c>482-90+6=</c> (difficulty 6).
/// The answer is worked: with three numbers the response first writes the first operation's
/// result and then the step that finishes it (<c>482-90+6=</c> → <c>392+6=398</c>), the way chain of
/// thought writes intermediate results, so responses (and their gradient norms) vary in length.
/// </summary>
public static class ArithmeticTask
{
    /// <summary>Characters the problems and answers use; the preset's tokenizer covers them.</summary>
    public const string Alphabet = "0123456789+-=";

    /// <summary>
    /// Difficulty levels whose worked answers fit the default response length of 8 tokens (7
    /// characters and the stop): the embedded preset's levels.
    /// </summary>
    public const int ShortAnswerDifficulties = 4;

    /// <summary><paramref name="count"/> problems with difficulties spread evenly from 1 to <paramref name="maxDifficulty"/>.</summary>
    public static List<ArithmeticProblem> Generate(int count, int seed, string idPrefix, int maxDifficulty = ShortAnswerDifficulties)
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
    /// 3: 2±2, 4: 1±1±1, 5: 2±2±1, 6: 3±2±1. Differences never go below zero.
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
        var numbers = new List<long> { value };
        var adds = new List<bool>();
        foreach (int width in digits.Skip(1))
        {
            long operand = Number(width, random);
            bool add = random.Next(2) == 0 || operand > value;
            value = add ? value + operand : value - operand;
            numbers.Add(operand);
            adds.Add(add);
        }

        string text = Text(numbers[0]) + string.Concat(numbers.Skip(1).Select((n, i) => (adds[i] ? "+" : "-") + Text(n))) + "=";
        // With nothing dropped Solve draws nothing from the generator, so problem texts follow the
        // same random stream as before answers were worked.
        return new ArithmeticProblem(id, text, Solve(numbers, adds, dropCarry: 0, random), difficulty);
    }

    /// <summary>
    /// A worked answer to <paramref name="problem"/> as a teacher that forgets each carry (and each
    /// borrow) with probability <paramref name="dropCarry"/> writes it: 0 gives the correct answer.
    /// </summary>
    public static string Demonstrate(ArithmeticProblem problem, double dropCarry, Random random)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(random);
        var numbers = new List<long>();
        var adds = new List<bool>();
        int start = 0;
        string text = problem.Text.TrimEnd('=');
        for (int i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] is '+' or '-')
            {
                numbers.Add(long.Parse(text.AsSpan(start == 0 ? 0 : start + 1, i - (start == 0 ? 0 : start + 1)), CultureInfo.InvariantCulture));
                if (start > 0)
                {
                    adds.Add(text[start] == '+');
                }

                start = i;
            }
        }

        return Solve(numbers, adds, dropCarry, random);
    }

    // Left to right, column by column; every intermediate result after the first is written as
    // the step that makes it.
    private static string Solve(List<long> numbers, List<bool> adds, double dropCarry, Random random)
    {
        long value = numbers[0];
        string worked = "";
        for (int i = 0; i < adds.Count; i++)
        {
            long operand = numbers[i + 1];
            value = adds[i] ? Add(value, operand, dropCarry, random) : Subtract(value, operand, dropCarry, random);
            worked = i == 0 ? Text(value) : $"{worked}{(adds[i] ? '+' : '-')}{Text(operand)}={Text(value)}";
        }

        return worked;
    }

    private static long Add(long a, long b, double dropCarry, Random random)
    {
        if (a < 0 || b < 0)
        {
            return a + b;
        }

        long result = 0, place = 1;
        int carry = 0;
        while (a > 0 || b > 0 || carry > 0)
        {
            int sum = (int)(a % 10) + (int)(b % 10) + carry;
            result += sum % 10 * place;
            carry = sum >= 10 && !Drops(dropCarry, random) ? 1 : 0;
            a /= 10;
            b /= 10;
            place *= 10;
        }

        return result;
    }

    private static long Subtract(long a, long b, double dropCarry, Random random)
    {
        // The teacher's own earlier slip can leave a smaller first number: it then subtracts the
        // other way round and writes the sign.
        if (a < 0 || b < 0 || a < b)
        {
            return a < 0 || b < 0 ? a - b : -Subtract(b, a, dropCarry, random);
        }

        long result = 0, place = 1;
        int borrow = 0;
        while (a > 0 || b > 0)
        {
            int digit = (int)(a % 10) - (int)(b % 10) - borrow;
            borrow = digit < 0 && !Drops(dropCarry, random) ? 1 : 0;
            result += (digit < 0 ? digit + 10 : digit) * place;
            a /= 10;
            b /= 10;
            place *= 10;
        }

        return result;
    }

    private static bool Drops(double probability, Random random) => probability > 0 && random.NextDouble() < probability;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static long Number(int digits, Random random)
    {
        long low = digits == 1 ? 0 : (long)Math.Pow(10, digits - 1);
        return random.NextInt64(low, (long)Math.Pow(10, digits));
    }
}
