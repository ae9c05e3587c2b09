/**
 * The 64 pictures a short authentication string is read from: 6 bits each, four of them from 24
 * bits of the hash. The table is part of the derivation (docs/security.md): changing an entry or
 * the order changes every code, so it needs a new version label. The pictures are the ones Matrix
 * uses for its emoji verification (easy to tell apart and to name aloud); names in every language
 * of the call page, for reading aloud and for screen readers.
 */
export interface SasEmoji {
  emoji: string;
  en: string;
  'zh-CN': string;
}

export const SAS_EMOJI: readonly SasEmoji[] = [
  { emoji: '🐶', en: 'dog', 'zh-CN': '狗' },
  { emoji: '🐱', en: 'cat', 'zh-CN': '猫' },
  { emoji: '🦁', en: 'lion', 'zh-CN': '狮子' },
  { emoji: '🐎', en: 'horse', 'zh-CN': '马' },
  { emoji: '🦄', en: 'unicorn', 'zh-CN': '独角兽' },
  { emoji: '🐷', en: 'pig', 'zh-CN': '猪' },
  { emoji: '🐘', en: 'elephant', 'zh-CN': '大象' },
  { emoji: '🐰', en: 'rabbit', 'zh-CN': '兔子' },
  { emoji: '🐼', en: 'panda', 'zh-CN': '熊猫' },
  { emoji: '🐓', en: 'rooster', 'zh-CN': '公鸡' },
  { emoji: '🐧', en: 'penguin', 'zh-CN': '企鹅' },
  { emoji: '🐢', en: 'turtle', 'zh-CN': '乌龟' },
  { emoji: '🐟', en: 'fish', 'zh-CN': '鱼' },
  { emoji: '🐙', en: 'octopus', 'zh-CN': '章鱼' },
  { emoji: '🦋', en: 'butterfly', 'zh-CN': '蝴蝶' },
  { emoji: '🌷', en: 'flower', 'zh-CN': '花' },
  { emoji: '🌳', en: 'tree', 'zh-CN': '树' },
  { emoji: '🌵', en: 'cactus', 'zh-CN': '仙人掌' },
  { emoji: '🍄', en: 'mushroom', 'zh-CN': '蘑菇' },
  { emoji: '🌏', en: 'globe', 'zh-CN': '地球' },
  { emoji: '🌙', en: 'moon', 'zh-CN': '月亮' },
  { emoji: '☁️', en: 'cloud', 'zh-CN': '云' },
  { emoji: '🔥', en: 'fire', 'zh-CN': '火' },
  { emoji: '🍌', en: 'banana', 'zh-CN': '香蕉' },
  { emoji: '🍎', en: 'apple', 'zh-CN': '苹果' },
  { emoji: '🍓', en: 'strawberry', 'zh-CN': '草莓' },
  { emoji: '🌽', en: 'corn', 'zh-CN': '玉米' },
  { emoji: '🍕', en: 'pizza', 'zh-CN': '披萨' },
  { emoji: '🎂', en: 'cake', 'zh-CN': '蛋糕' },
  { emoji: '❤️', en: 'heart', 'zh-CN': '爱心' },
  { emoji: '😀', en: 'smiley', 'zh-CN': '笑脸' },
  { emoji: '🤖', en: 'robot', 'zh-CN': '机器人' },
  { emoji: '🎩', en: 'hat', 'zh-CN': '礼帽' },
  { emoji: '👓', en: 'glasses', 'zh-CN': '眼镜' },
  { emoji: '🔧', en: 'spanner', 'zh-CN': '扳手' },
  { emoji: '🎅', en: 'Santa', 'zh-CN': '圣诞老人' },
  { emoji: '👍', en: 'thumbs up', 'zh-CN': '点赞' },
  { emoji: '☂️', en: 'umbrella', 'zh-CN': '雨伞' },
  { emoji: '⌛', en: 'hourglass', 'zh-CN': '沙漏' },
  { emoji: '⏰', en: 'clock', 'zh-CN': '闹钟' },
  { emoji: '🎁', en: 'gift', 'zh-CN': '礼物' },
  { emoji: '💡', en: 'light bulb', 'zh-CN': '灯泡' },
  { emoji: '📕', en: 'book', 'zh-CN': '书' },
  { emoji: '✏️', en: 'pencil', 'zh-CN': '铅笔' },
  { emoji: '📎', en: 'paperclip', 'zh-CN': '回形针' },
  { emoji: '✂️', en: 'scissors', 'zh-CN': '剪刀' },
  { emoji: '🔒', en: 'lock', 'zh-CN': '锁' },
  { emoji: '🔑', en: 'key', 'zh-CN': '钥匙' },
  { emoji: '🔨', en: 'hammer', 'zh-CN': '锤子' },
  { emoji: '☎️', en: 'telephone', 'zh-CN': '电话' },
  { emoji: '🏁', en: 'flag', 'zh-CN': '旗子' },
  { emoji: '🚂', en: 'train', 'zh-CN': '火车' },
  { emoji: '🚲', en: 'bicycle', 'zh-CN': '自行车' },
  { emoji: '✈️', en: 'aeroplane', 'zh-CN': '飞机' },
  { emoji: '🚀', en: 'rocket', 'zh-CN': '火箭' },
  { emoji: '🏆', en: 'trophy', 'zh-CN': '奖杯' },
  { emoji: '⚽', en: 'ball', 'zh-CN': '足球' },
  { emoji: '🎸', en: 'guitar', 'zh-CN': '吉他' },
  { emoji: '🎺', en: 'trumpet', 'zh-CN': '小号' },
  { emoji: '🔔', en: 'bell', 'zh-CN': '铃铛' },
  { emoji: '⚓', en: 'anchor', 'zh-CN': '锚' },
  { emoji: '🎧', en: 'headphones', 'zh-CN': '耳机' },
  { emoji: '📁', en: 'folder', 'zh-CN': '文件夹' },
  { emoji: '📌', en: 'pin', 'zh-CN': '图钉' },
];
