namespace Cordon.Features.Demo;

/// <summary>Synthetic but plausible Chinese names: common surnames by frequency, common given-name characters.</summary>
internal static class DemoNames
{
    private const string Surnames =
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤";

    private const string MaleChars = "伟强磊军勇杰涛明超刚平辉鹏华飞斌建国峰俊浩文志忠兵海波宇晨昊天宏博毅翔鑫";
    private const string FemaleChars = "芳娜敏静丽艳娟霞秀英燕玲婷雪琳慧颖洁梅兰萍红琴云莉倩佳怡欣悦雯婧璐";
    private const string Neutral = "子晓一雨思嘉家佳安宁诗梓沐语欣";

    public static string Next(Random random, bool male)
    {
        // The first hundred surnames cover most people; weight towards the front of the list.
        var index = (int)(Math.Pow(random.NextDouble(), 1.6) * Surnames.Length);
        var surname = Surnames[Math.Min(index, Surnames.Length - 1)];
        var pool = male ? MaleChars : FemaleChars;
        return random.NextDouble() < 0.35
            ? $"{surname}{pool[random.Next(pool.Length)]}"
            : $"{surname}{(random.NextDouble() < 0.4 ? Neutral[random.Next(Neutral.Length)] : pool[random.Next(pool.Length)])}{pool[random.Next(pool.Length)]}";
    }
}
